package connectors

import (
	"github.com/transload/transload/engine/connector"
)

// Reason codes of the sinks' permanent errors; dead letters carry them.
const (
	// ReasonRejectedByTarget: the target refused the document (a 4xx).
	ReasonRejectedByTarget = "REJECTED_BY_TARGET"
	// ReasonUnencodable: the document cannot be written in the sink's
	// format (a non-string body for XML, a NaN for JSON).
	ReasonUnencodable = "UNENCODABLE_DOCUMENT"
	// ReasonMissingKey: the sink names its output after the business key
	// and the delivery has none.
	ReasonMissingKey = "MISSING_KEY"
	// ReasonInvalidSetting: a per-message setting evaluated to something
	// unusable (a URL that does not parse, an empty find_url).
	ReasonInvalidSetting = "INVALID_SETTING"
)

// Sources lists the source types of this package.
func Sources() []connector.SourceFactory {
	return []connector.SourceFactory{
		{Type: "http", Spec: HTTPSourceSpec, New: NewHTTPSource},
		{Type: "file", Spec: FileSourceSpec, New: NewFileSource},
		{Type: "schedule", Spec: ScheduleSourceSpec, New: NewScheduleSource},
	}
}

// Sinks lists the sink types of this package.
func Sinks() []connector.SinkFactory {
	return []connector.SinkFactory{
		{Type: "stdout", Spec: StdoutSinkSpec, New: NewStdoutSink, Idempotency: connector.IdempotencyNone},
		{Type: "file", Spec: FileSinkSpec, New: NewFileSink, Idempotency: connector.IdempotencyKey, IdempotencyOf: fileSinkIdempotency},
		{Type: "http", Spec: HTTPSinkSpec, New: NewHTTPSink, Idempotency: connector.IdempotencyKey, IdempotencyOf: httpSinkIdempotency, Answer: httpSinkAnswer},
		{Type: "x12", Spec: X12SinkSpec, New: NewX12Sink, Idempotency: connector.IdempotencyKey},
	}
}

// Register adds the standard sources (http, file, schedule) and sinks
// (stdout, file, http) to r. It fails when r already has a type of the
// same name, leaving the types registered before that one in place.
func Register(r *connector.Registry) error {
	for _, f := range Sources() {
		if err := r.AddSource(f); err != nil {
			return err
		}
	}
	for _, f := range Sinks() {
		if err := r.AddSink(f); err != nil {
			return err
		}
	}
	return nil
}
