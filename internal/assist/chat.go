package assist

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Chat Completions wire types (the subset Vigil uses).
type chatMessage struct {
	Role       string     `json:"role"`
	Content    string     `json:"content"`
	ToolCalls  []toolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

type toolCall struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type toolSpec struct {
	Type     string `json:"type"`
	Function struct {
		Name        string         `json:"name"`
		Description string         `json:"description"`
		Parameters  map[string]any `json:"parameters"`
	} `json:"function"`
}

type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Tools       []toolSpec    `json:"tools,omitempty"`
	ToolChoice  string        `json:"tool_choice,omitempty"`
	Temperature float64       `json:"temperature"`
}

type chatResponse struct {
	Choices []struct {
		Message      chatMessage `json:"message"`
		FinishReason string      `json:"finish_reason"`
	} `json:"choices"`
}

// maxResponse bounds a model's HTTP answer.
const maxResponse = 4 << 20

// chat sends one Chat Completions request and returns the first choice's
// message.
func (l *LLM) chat(ctx context.Context, msgs []chatMessage, tools []toolSpec) (chatMessage, error) {
	req := chatRequest{Model: l.cfg.Model, Messages: msgs, Tools: tools, Temperature: 0}
	if len(tools) > 0 {
		req.ToolChoice = "auto"
	}
	body, err := json.Marshal(req)
	if err != nil {
		return chatMessage{}, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, l.endpoint(), bytes.NewReader(body))
	if err != nil {
		return chatMessage{}, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	if l.cfg.APIKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+l.cfg.APIKey)
	}
	resp, err := l.http.Do(hreq)
	if err != nil {
		return chatMessage{}, fmt.Errorf("llm: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return chatMessage{}, fmt.Errorf("llm: read: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return chatMessage{}, fmt.Errorf("llm: HTTP %d", resp.StatusCode) // the body may echo data: not logged
	}
	var cr chatResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return chatMessage{}, fmt.Errorf("llm: answer is not Chat Completions JSON: %w", err)
	}
	if len(cr.Choices) == 0 {
		return chatMessage{}, fmt.Errorf("llm: answer without choices")
	}
	return cr.Choices[0].Message, nil
}

func (l *LLM) endpoint() string {
	u := strings.TrimRight(l.cfg.URL, "/")
	if strings.HasSuffix(u, "/chat/completions") {
		return u
	}
	return u + "/chat/completions"
}
