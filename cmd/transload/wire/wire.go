// Package wire builds the registries of everything Transload ships: the
// builtin libraries, the named types (the canonical model, the X12
// schemas), the mapping modules, the codecs and the connectors. It is the
// one place that wires libraries and connectors together, as explicit
// values (nothing registers itself in init()); the CLI and the end-to-end
// tests build their registries here.
//
// Imports: everything.
package wire

import (
	"io/fs"

	"github.com/transload/transload/builtin"
	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/codec"
	"github.com/transload/transload/stdlib/commerce"
	"github.com/transload/transload/stdlib/connectors"
	"github.com/transload/transload/stdlib/funcs"
	"github.com/transload/transload/stdlib/mappings"
)

// Set is everything that ships, registered.
type Set struct {
	Registry   *builtin.Registry
	Types      *builtin.Types
	Modules    map[string]fs.FS
	Connectors *connector.Registry
	Codecs     connector.Codecs
}

// New builds the registries.
func New() (*Set, error) {
	s := &Set{
		Registry:   funcs.Registry(),
		Types:      commerce.Types(),
		Modules:    mappings.Modules(),
		Connectors: connector.NewRegistry(),
		Codecs:     codec.Codecs(),
	}
	if err := s.Registry.Add(commerce.Library(), 0); err != nil {
		return nil, err
	}
	if err := s.Types.Merge(codec.X12Types()); err != nil {
		return nil, err
	}
	if err := connectors.Register(s.Connectors); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadOptions are the options flows load with: vars and tables as given
// on the command line.
func (s *Set) LoadOptions(vars, tables map[string]string) dsl.Options {
	return dsl.Options{
		Registry:   s.Registry,
		Types:      s.Types,
		Modules:    s.Modules,
		Connectors: s.Connectors,
		Formats:    s.Codecs.Names(),
		Vars:       vars,
		Tables:     tables,
	}
}
