package connectors_test

import (
	"context"
	"fmt"
	"os"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/connectors"
)

// Register fills a registry that cmd (or a test) builds explicitly; the
// registry then tells the loader which connector types exist and what
// their settings are.
func ExampleRegister() {
	r := connector.NewRegistry()
	if err := connectors.Register(r); err != nil {
		panic(err)
	}
	fmt.Println("sources:", r.SourceKinds())
	fmt.Println("sinks:", r.SinkKinds())
	spec, _ := r.SourceSpec("http")
	for _, a := range spec.Attrs[:3] {
		fmt.Printf("http source setting %s (required %v)\n", a.Name, a.Required)
	}
	// Output:
	// sources: [file http schedule]
	// sinks: [file http stdout x12]
	// http source setting path (required true)
	// http source setting method (required false)
	// http source setting verify (required false)
}

// A sink is built from its factory with the settings the loader decoded,
// and handed documents in the native representation.
func ExampleNewStdoutSink() {
	sink, err := connectors.NewStdoutSink(connector.SinkParams{Name: "log", Stdout: os.Stdout})
	if err != nil {
		panic(err)
	}
	defer sink.Close(context.Background())
	doc := map[string]any{
		"id":    "1001",
		"total": builtin.MustDecimal("24.90"),
		"lines": []any{map[string]any{"sku": "A-1", "qty": int64(2)}},
	}
	if _, err := sink.Deliver(context.Background(), &connector.Delivery{Key: "shop:1001", Body: doc}); err != nil {
		panic(err)
	}
	// Output:
	// {"id":"1001","lines":[{"qty":2,"sku":"A-1"}],"total":24.90}
}
