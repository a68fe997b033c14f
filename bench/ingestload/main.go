// Command ingestload measures Vigil's durable HTTP ingest: it starts
// `vigil serve` in this process on a temporary data directory (embedded NATS
// JetStream + SQLite), sends 600-byte flat Windows events as NDJSON batches
// from several HTTP clients over loopback, and reports accepted events/s
// (every 2xx means the batch is in JetStream), the ingest→finding latency
// histogram (with -rate), and peak memory. With -events it sends the lines
// of an NDJSON file instead (e.g. the simulator's FHIR AuditEvents), after
// importing the hospital context of -context, so that the privacy detector
// judges them.
//
//	go run ./bench/ingestload -duration 30s -senders 8 -batch 1000
//	go run ./bench/ingestload -duration 30s -rate 10000      # latency at a fixed rate
//	go run ./bench/ingestload -duration 60s -rate 5000 -batch 100 -senders 4 \
//	    -context SIM/context -events SIM/events/auditevent.ndjson
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-soc/vigil/internal/app"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ingestload:", err)
		os.Exit(1)
	}
}

func run() error {
	duration := flag.Duration("duration", 20*time.Second, "how long to send")
	senders := flag.Int("senders", 8, "concurrent HTTP clients")
	batch := flag.Int("batch", 1000, "events per request")
	rate := flag.Int("rate", 0, "target events/s in total (0 = as fast as possible)")
	syncMode := flag.String("sync", "interval", "JetStream sync: interval or always")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole process here")
	noWorkers := flag.Bool("no-workers", false, "ingest only: do not run the store and detect consumers")
	external := flag.String("server", "", "address of a running `vigil serve` (host:port) instead of one in this process")
	extToken := flag.String("token", "", "token for -server")
	pid := flag.Int("pid", 0, "with -server: the server's pid, to report its peak RSS")
	eventsFile := flag.String("events", "", "send the lines of this NDJSON file (in order, until its end or -duration) instead of generated Windows events")
	format := flag.String("format", "", "format query parameter of the ingest requests (\"\" = auto-detect; fhir for AuditEvents)")
	contextDir := flag.String("context", "", "import these hospital context files or directory into the server before sending")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	addr, token := *external, *extToken
	rssPid := os.Getpid()
	served := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if addr == "" {
		dir, err := os.MkdirTemp("", "vigil-ingestload")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if addr, err = freeAddr(); err != nil {
			return err
		}
		cfg := app.Defaults()
		cfg.DataDir, cfg.Listen, cfg.Sync = dir, addr, *syncMode
		cfg.Workers = !*noWorkers
		go func() { served <- app.Serve(ctx, cfg) }()
		if token, err = waitReady(addr, dir); err != nil {
			return err
		}
	} else {
		close(served)
		rssPid = *pid
	}

	if *contextDir != "" {
		t0 := time.Now()
		if err := importContext(ctx, addr, token, *contextDir, os.Stderr); err != nil {
			return err
		}
		fmt.Printf("context imported in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	var src *fileSource
	if *eventsFile != "" {
		var err error
		if src, err = openFileSource(*eventsFile); err != nil {
			return err
		}
		defer src.Close()
	}

	var accepted, failed atomic.Int64
	var peak atomic.Uint64
	stopMem := sampleMemory(rssPid, &peak)
	start := time.Now()
	deadline := start.Add(*duration)
	var wg sync.WaitGroup
	perSender := time.Duration(0)
	if *rate > 0 {
		perSender = time.Duration(float64(time.Second) * float64(*batch) * float64(*senders) / float64(*rate))
	}
	for s := 0; s < *senders; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			client := &http.Client{Timeout: time.Minute}
			next := time.Now()
			for n := 0; time.Now().Before(deadline); n++ {
				var body []byte
				lines := *batch
				if src == nil {
					body = makeBatch(s, n, *batch)
				} else if body, lines, _ = src.next(*batch); lines == 0 {
					return
				}
				code := post(client, addr, token, *format, body)
				if code == 200 {
					accepted.Add(int64(lines))
				} else {
					failed.Add(1)
				}
				if perSender > 0 {
					next = next.Add(perSender)
					time.Sleep(time.Until(next))
				}
			}
		}(s)
	}
	wg.Wait()
	elapsed := time.Since(start)
	time.Sleep(3 * time.Second) // let consumers drain for the latency histogram
	metrics := scrape(addr, token)
	stopMem()
	cancel()
	<-served

	fmt.Printf("machine: %d cores, %s\n", runtime.NumCPU(), runtime.Version())
	if src != nil {
		fmt.Printf("events: %s  context: %s\n", *eventsFile, *contextDir)
	}
	fmt.Printf("sync=%s senders=%d batch=%d rate=%d duration=%s\n", *syncMode, *senders, *batch, *rate, elapsed.Round(time.Millisecond))
	fmt.Printf("accepted events: %d  failed requests: %d\n", accepted.Load(), failed.Load())
	fmt.Printf("durable ingest: %.0f events/s\n", float64(accepted.Load())/elapsed.Seconds())
	fmt.Printf("peak RSS: %.0f MiB\n", float64(peak.Load())/(1<<20))
	for _, l := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(l, "vigil_finding_latency_seconds") || strings.HasPrefix(l, "vigil_pipeline_pending") ||
			strings.HasPrefix(l, "vigil_ingest_overload_total") || strings.HasPrefix(l, "vigil_privacy_") ||
			strings.HasPrefix(l, "vigil_findings_total") {
			fmt.Println(l)
		}
	}
	return nil
}

// makeBatch renders n 600-byte flat Windows events; 1 in 100 is a log clear
// so the detector produces findings.
func makeBatch(sender, n, size int) []byte {
	var b bytes.Buffer
	for i := 0; i < size; i++ {
		rec := (sender*1_000_000+n)*size + i
		id := 4688
		if rec%100 == 0 {
			id = 1102
		}
		line := fmt.Sprintf(`{"EventID":%d,"Channel":"Security","Hostname":"WS-%03d.hospital.local","RecordNumber":%d,`+
			`"@timestamp":"%s","SourceName":"Microsoft-Windows-Security-Auditing","SubjectUserName":"nurse%03d",`+
			`"SubjectDomainName":"HOSPITAL","NewProcessName":"C:\\Windows\\System32\\cmd.exe",`+
			`"CommandLine":"cmd.exe /c echo %d","ParentProcessName":"C:\\Windows\\explorer.exe","ProcessId":"0x%x","Message":"`,
			id, rec%500, rec, time.Now().UTC().Format(time.RFC3339Nano), rec%3000, rec, rec)
		b.WriteString(line)
		for pad := 600 - len(line) - 3; pad > 0; pad-- {
			b.WriteByte('x')
		}
		b.WriteString("\"}\n")
	}
	return b.Bytes()
}

func post(c *http.Client, addr, token, format string, body []byte) int {
	u := "http://" + addr + "/api/v1/events"
	if format != "" {
		u += "?format=" + url.QueryEscape(format)
	}
	req, _ := http.NewRequest("POST", u, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode == 429 || resp.StatusCode == 503 {
		time.Sleep(50 * time.Millisecond)
	}
	return resp.StatusCode
}

func scrape(addr, token string) string {
	req, _ := http.NewRequest("GET", "http://"+addr+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func waitReady(addr, dir string) (string, error) {
	for i := 0; i < 300; i++ {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				tok, err := os.ReadFile(filepath.Join(dir, "admin.token"))
				return strings.TrimSpace(string(tok)), err
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", fmt.Errorf("server not ready")
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// sampleMemory records the peak resident set size of process pid (Linux
// /proc) until stopped.
func sampleMemory(pid int, peak *atomic.Uint64) func() {
	done := make(chan struct{})
	go func() {
		for {
			if rss := readRSS(pid); rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() { close(done) }
}

func readRSS(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
	if err != nil {
		return 0
	}
	var size, rss uint64
	fmt.Sscan(string(b), &size, &rss)
	return rss * uint64(os.Getpagesize())
}
