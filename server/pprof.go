package main

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
)

// serveProfiler serves Go's profiler on its own address (never on the
// API's), for measuring where CPU and memory go under load. It returns a
// function that stops it and the address it listens on.
func serveProfiler(addr string, log *slog.Logger) (stop func(), listening string, err error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return serveAside("profiler", addr, mux, log)
}
