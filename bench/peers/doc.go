// Package peers compares Vigil's Sigma engine (package sigma of the main
// module) with other Sigma implementations on the same rules and events.
//
// It is a separate Go module so that peer engines never become dependencies
// of Vigil itself. Everything lives in tests and benchmarks:
//
//	cd bench/peers
//	go test ./...                                     # differential test
//	go test -run '^$' -bench VigilVsSigmaGo .          # speed comparison
//
// The peer today is github.com/bradleyjkemp/sigma-go v0.6.6. The method, the
// counts and the explanation of every disagreement are in
// docs/sigma-differential.md.
package peers
