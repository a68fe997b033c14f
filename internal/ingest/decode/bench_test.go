package decode

import (
	"fmt"
	"testing"

	"github.com/valyala/fastjson"

	"github.com/vigil-soc/vigil/internal/event"
)

// benchLines is how many lines of the real file the benchmarks cycle through
// (about 60 MB: a representative mix of Sysmon, Security and PowerShell
// events, too large to sit in cache; the whole file is 297 MB).
const benchLines = 20000

func loadWinLines(b *testing.B) (lines [][]byte, bytes int64) {
	eachWinLine(b, func(n int, l []byte) bool {
		lines = append(lines, append([]byte(nil), l...))
		bytes += int64(len(l))
		return n < benchLines
	})
	return lines, bytes
}

// BenchmarkDecodeWinFlat measures decode+normalize of real flat Windows event
// lines (raw JSON line in, Event out, Event reused), in events/s per core.
//
//	go test -run x -bench DecodeWinFlat -cpu 1 ./internal/ingest/decode
func BenchmarkDecodeWinFlat(b *testing.B) {
	lines, size := loadWinLines(b)
	s := NewSet()
	var ev event.Event
	b.SetBytes(size / int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := s.Decode(event.FormatAuto, lines[i%len(lines)], &ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDecodeWinFlatGeneral is BenchmarkDecodeWinFlat with the fast path
// off (fastjson parse + flatten walk), for comparison in the same run.
func BenchmarkDecodeWinFlatGeneral(b *testing.B) {
	lines, size := loadWinLines(b)
	s := NewSet()
	s.generalOnly = true
	var ev event.Event
	b.SetBytes(size / int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := s.Decode(event.FormatAuto, lines[i%len(lines)], &ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkParseOnlyWinFlat is the baseline: fastjson parse of the same
// lines, nothing else.
func BenchmarkParseOnlyWinFlat(b *testing.B) {
	lines, size := loadWinLines(b)
	var p fastjson.Parser
	b.SetBytes(size / int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := p.ParseBytes(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDecodeWinFlatParallel shows scaling across cores (shared Set).
func BenchmarkDecodeWinFlatParallel(b *testing.B) {
	lines, size := loadWinLines(b)
	s := NewSet()
	b.SetBytes(size / int64(len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var ev event.Event
		for i := 0; pb.Next(); i++ {
			if err := s.Decode(event.FormatAuto, lines[i%len(lines)], &ev); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDecodeWinFlat600 decodes 600-byte flat Windows Security events
// (the event size the ingest figures use) so the per-event rate can be read
// apart from the real file's larger records (~3 KB on average).
func BenchmarkDecodeWinFlat600(b *testing.B) {
	lines := make([][]byte, 1000)
	for i := range lines {
		lines[i] = synthWinEvent600(i)
	}
	s := NewSet()
	var ev event.Event
	b.SetBytes(int64(len(lines[0])))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := s.Decode(event.FormatAuto, lines[i%len(lines)], &ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func synthWinEvent600(n int) []byte {
	line := fmt.Sprintf(`{"EventID":4688,"Channel":"Security","Hostname":"WS-%03d.hospital.local","RecordNumber":%d,`+
		`"@timestamp":"2026-11-28T10:00:%02d.000Z","SourceName":"Microsoft-Windows-Security-Auditing",`+
		`"SubjectUserName":"nurse%03d","SubjectDomainName":"HOSPITAL","NewProcessName":"C:\\Windows\\System32\\cmd.exe",`+
		`"CommandLine":"cmd.exe /c echo %d","ParentProcessName":"C:\\Windows\\explorer.exe","ProcessId":"0x%x","Message":"`,
		n%500, n, n%60, n%300, n, n)
	for len(line) < 597 {
		line += "x"
	}
	return []byte(line + `"}`)
}
