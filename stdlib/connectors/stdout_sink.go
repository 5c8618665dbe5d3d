package connectors

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
)

// StdoutSinkSpec is the settings spec of the stdout sink; it has none.
var StdoutSinkSpec = &connector.ConfigSpec{
	Doc: "Writes each delivered document as one line of canonical JSON (keys sorted, decimals exact) to standard output. " +
		"For trying flows out, tests and pipes; it keeps no record, so a document may be written twice after a crash.",
}

// StdoutSink is the stdout sink.
//
// Lifecycle: ready once built; Deliver may be called concurrently (lines
// never interleave); Close does nothing and is safe twice.
type StdoutSink struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// NewStdoutSink builds a stdout sink writing to p.Stdout (os.Stdout when
// nil).
func NewStdoutSink(p connector.SinkParams) (connector.Sink, error) {
	w := p.Stdout
	if w == nil {
		w = os.Stdout
	}
	return &StdoutSink{w: w}, nil
}

// Deliver writes the document as one line.
func (s *StdoutSink) Deliver(ctx context.Context, d *connector.Delivery) (*connector.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := builtin.AppendJSON(s.buf[:0], d.Body)
	if err != nil {
		return nil, connector.Permanent(ReasonUnencodable, fmt.Errorf("cannot encode the document as JSON: %w", err))
	}
	b = append(b, '\n')
	s.buf = b
	if _, err := s.w.Write(b); err != nil {
		return nil, connector.Retryable(fmt.Errorf("writing to stdout: %w", err), 0)
	}
	return &connector.Response{}, nil
}

// Close implements connector.Sink.
func (s *StdoutSink) Close(context.Context) error { return nil }

var _ connector.Sink = (*StdoutSink)(nil)
