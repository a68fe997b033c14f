package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// probeCmd is a command with the flags the precedence test looks at.
func probeCmd(got map[string]string) *cobra.Command {
	cmd := &cobra.Command{Use: "probe", RunE: func(cmd *cobra.Command, _ []string) error {
		for _, n := range []string{"listen", "data", "syslog-udp"} {
			got[n], _ = cmd.Flags().GetString(n)
		}
		return nil
	}}
	cmd.Flags().String("listen", "127.0.0.1:8080", "")
	cmd.Flags().String("data", "vigil-data", "")
	cmd.Flags().String("syslog-udp", "", "")
	return cmd
}

func TestConfigPrecedence(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "vigil.yml")
	os.WriteFile(cfg, []byte("listen: 0.0.0.0:9000\ndata: /from/file\nsyslog-udp: 127.0.0.1:5514\n"), 0o600)
	t.Setenv("VIGIL_DATA", "/from/env")
	got := map[string]string{}
	root := newRootCmd()
	root.AddCommand(probeCmd(got))
	root.SetArgs([]string{"probe", "--config", cfg, "--listen", "127.0.0.1:7000"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"listen": "127.0.0.1:7000", "data": "/from/env", "syslog-udp": "127.0.0.1:5514"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (flag > env > file > default)", k, got[k], v)
		}
	}
}

func TestConfigUnknownKey(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "vigil.yml")
	os.WriteFile(cfg, []byte("listne: 1\n"), 0o600)
	root := newRootCmd()
	root.AddCommand(probeCmd(map[string]string{}))
	root.SetArgs([]string{"probe", "--config", cfg})
	err := root.Execute()
	if err == nil || !strings.Contains(err.Error(), `unknown key "listne"`) {
		t.Fatalf("err = %v, want unknown key named", err)
	}
}

func TestBadEnvValueNamed(t *testing.T) {
	t.Setenv("VIGIL_MAX_BODY", "lots")
	root := newRootCmd()
	root.SetArgs([]string{"serve", "--data", t.TempDir(), "--listen", "127.0.0.1:0"})
	err := root.Execute()
	if err == nil || !strings.Contains(err.Error(), "VIGIL_MAX_BODY") {
		t.Fatalf("err = %v, want VIGIL_MAX_BODY named", err)
	}
}
