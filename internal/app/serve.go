package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vigil-soc/vigil/internal/api"
	"github.com/vigil-soc/vigil/internal/audit"
	"github.com/vigil-soc/vigil/internal/auth"
	"github.com/vigil-soc/vigil/internal/detect"
	"github.com/vigil-soc/vigil/internal/ingest/decode"
	"github.com/vigil-soc/vigil/internal/ingest/syslog"
	"github.com/vigil-soc/vigil/internal/pipeline"
	"github.com/vigil-soc/vigil/internal/query"
	"github.com/vigil-soc/vigil/internal/store"
)

// ingestChunk is how many decoded events one ingest request holds before
// publishing them: it bounds ingest memory at about MaxConcurrentIngest (32)
// × ingestChunk × ~5 KB (decoded event + raw + encoded message) ≈ 160 MB.
const ingestChunk = 1000

// Serve runs the server until ctx is done, then shuts down cleanly: stop
// accepting, finish in-flight requests, stop consumers, close the bus and the
// store.
func Serve(ctx context.Context, cfg Config) error {
	if err := cfg.check(); err != nil {
		return err
	}
	log := cfg.Logger
	if cfg.MemoryLimit > 0 {
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
	if cfg.NATSURL == "" || cfg.DB == "" { // the data dir holds NATS or SQLite
		unlock, err := lockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		defer unlock()
	}
	st, err := OpenStore(ctx, cfg.DataDir, cfg.DB, cfg.DBSchema)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer st.Close()
	if path, err := ensureAdminToken(ctx, st, cfg.DataDir); err != nil {
		return err
	} else if path != "" {
		fmt.Fprintf(cfg.Out, "vigil: created the first admin API token in %s (mode 0600)\n", path)
	}

	bus, err := pipeline.Open(ctx, pipeline.Config{DataDir: cfg.DataDir, URL: cfg.NATSURL, Listen: cfg.NATSListen,
		Prefix: cfg.NATSPrefix, Sync: cfg.Sync, MaxBytes: cfg.StreamMax, Logger: log})
	if err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	defer bus.Close()

	if cfg.hospital, err = loadHospital(ctx, st); err != nil {
		return fmt.Errorf("hospital context: %w", err)
	}
	if cfg.BehaviorDirectory == nil {
		cfg.BehaviorDirectory = hospitalView{cfg.hospital}
	}
	cfg.withSharedTracker()
	dets, sigmaDet, err := Detectors(cfg)
	if err != nil {
		return err
	}
	reg, err := detect.NewRegistry(dets...)
	if err != nil {
		return err
	}
	reloadRules := rulesReloader(sigmaDet, log)
	prom := prometheus.NewRegistry()
	prom.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	pm := pipeline.NewMetrics(prom)
	decoders, err := phishDecoders(cfg)
	if err != nil {
		return err
	}
	registerPrivacyMetrics(prom, dets)
	authn := auth.NewAuthenticator(st, time.Now)
	incidents := newIncidentManager(st, cfg.Incidents, log)
	auditLog := audit.NewLog(st)
	if cfg.Safety == nil {
		cfg.Safety = hospitalView{cfg.hospital}
	}
	timeline := newAsyncTimeline(incidents, log)
	if cfg.IncidentLog == nil {
		cfg.IncidentLog = timeline
	}
	responder, err := newResponder(cfg, st, auditLog, log)
	if err != nil {
		return err
	}
	incidents.OnChange(RespondIncidentHook(responder, log))
	if cfg.Incidents.Proposer == nil {
		cfg.Incidents.Proposer = RespondProposer{Engine: responder}
	}
	if cfg.Incidents.Context == nil {
		cfg.Incidents.Context = hospitalView{cfg.hospital}
	}
	assistant, err := newAssistant(st, incidents, cfg.Incidents, log)
	if err != nil {
		return err
	}
	handler := api.New(api.Config{MaxBody: cfg.MaxBody, MaxInflightBytes: cfg.MaxInflightBytes,
		PublishChunk: ingestChunk, Registerer: prom, Logger: log},
		api.Deps{Store: st, Auth: authn, Publisher: busAdapter{bus}, DeadLetters: busAdapter{bus},
			Decoder: decoders, Audit: auditLog, ParseQuery: query.Parse, ParseFormat: decode.ParseFormat,
			Ready: readiness(st, bus), Gatherer: prom, ReloadRules: reloadRules,
			Incidents: incidents, Assistant: assistAPI{assistant},
			AnalyzeEmail: phishAPI(cfg), Context: cfg.hospital,
			Approver: approverAdapter{responder}})

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := api.NewServer(cfg.Listen, handler)
	fmt.Fprintf(cfg.Out, "vigil: API on http://%s (data in %s)\n", ln.Addr(), cfg.DataDir)

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	goRun := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(runCtx); err != nil && runCtx.Err() == nil {
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	if cfg.Workers {
		goRun("store writer", func(c context.Context) error { return pipeline.RunStoreWriter(c, bus, st, pm) })
		findingsOut := respondingWriter{FindingWriter: st, eng: responder, log: log}
		goRun("detector", func(c context.Context) error { return pipeline.RunDetector(c, bus, reg, findingsOut, pm) })
		goRun("respond", responder.Run)
		goRun("retention", func(c context.Context) error { return runRetention(c, st, cfg.Retention, log) })
		if !cfg.Incidents.Off {
			goRun("incidents", func(c context.Context) error { return runIncidents(c, incidents, bus) })
		}
	}
	goRun("incident timeline", timeline.run)
	goRun("sighup", func(c context.Context) error { return reloadOnSIGHUP(c, reloadRules, log) })
	if err := startSyslog(runCtx, cfg, bus, decoders, goRun); err != nil {
		return err
	}
	goRun("http", func(c context.Context) error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
		log.Error("component failed, shutting down", "err", runErr)
	}
	shutCtx, shutCancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer shutCancel()
	_ = srv.Shutdown(shutCtx)
	cancel()
	wg.Wait()
	return runErr
}

func startSyslog(ctx context.Context, cfg Config, bus *pipeline.Bus, decoders *decode.Set,
	goRun func(string, func(context.Context) error)) error {
	if cfg.SyslogUDP == "" && cfg.SyslogTCP == "" && cfg.SyslogTLS == "" {
		return nil
	}
	var tlsCfg *tls.Config
	if cfg.SyslogTLS != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("syslog TLS: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	sink := newSyslogSink(bus, decoders, cfg.Logger.With("component", "syslog"))
	l, err := syslog.Listen(ctx, syslog.Config{UDP: cfg.SyslogUDP, TCP: cfg.SyslogTCP, TLSAddr: cfg.SyslogTLS,
		TLS: tlsCfg, Logger: cfg.Logger}, sink)
	if err != nil {
		return fmt.Errorf("syslog: %w", err)
	}
	u, t, s := l.Addrs()
	fmt.Fprintf(cfg.Out, "vigil: syslog on udp=%v tcp=%v tls=%v\n", u, t, s)
	goRun("syslog sink", func(c context.Context) error { sink.run(c); return nil })
	goRun("syslog", func(c context.Context) error { <-c.Done(); return l.Close() })
	return nil
}

// readiness: the database answers and the event stream is reachable.
func readiness(st store.Store, bus *pipeline.Bus) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := st.Ping(ctx); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if _, _, err := bus.StreamInfo(ctx); err != nil {
			return fmt.Errorf("pipeline: %w", err)
		}
		return nil
	}
}

// runRetention deletes searchable events older than keep, hourly.
func runRetention(ctx context.Context, st store.Events, keep time.Duration, log *slog.Logger) error {
	if keep <= 0 {
		return nil
	}
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := st.DeleteEventsBefore(ctx, time.Now().Add(-keep)); err != nil && ctx.Err() == nil {
			log.Warn("retention", "err", err)
		} else if n > 0 {
			log.Info("retention removed events", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
