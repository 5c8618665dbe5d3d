package cli

import (
	"io/fs"
	"strings"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec"
	"github.com/transload/transload/stdlib/connectors"
	"github.com/transload/transload/stdlib/funcs"
)

// wiring is everything that ships, as explicit registries: the builtin
// libraries, the named types (canonical model, codec schemas), the mapping
// modules, the codecs and the connectors. Tests and commands build it
// fresh; nothing is registered by init().
type wiring struct {
	registry   *builtin.Registry
	types      *builtin.Types
	modules    map[string]fs.FS
	connectors *connector.Registry
	codecs     connector.Codecs
}

func newWiring() (*wiring, error) {
	w := &wiring{
		registry:   funcs.Registry(),
		types:      builtin.NewTypes(),
		modules:    map[string]fs.FS{},
		connectors: connector.NewRegistry(),
		codecs:     codec.Codecs(),
	}
	if err := connectors.Register(w.connectors); err != nil {
		return nil, err
	}
	return w, nil
}

// loadOptions are the options every command loads flows with.
func (w *wiring) loadOptions(vars, tables map[string]string) dsl.Options {
	formats := w.codecs.Names()
	if len(formats) == 0 {
		formats = []string{"json"}
	}
	return dsl.Options{
		Registry:   w.registry,
		Types:      w.types,
		Modules:    w.modules,
		Connectors: w.connectors,
		Formats:    formats,
		Vars:       vars,
		Tables:     tables,
	}
}

// parseAssignments reads K=V flags (--var, --table).
func parseAssignments(list []string) (map[string]string, string) {
	out := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, kv
		}
		out[k] = v
	}
	return out, ""
}
