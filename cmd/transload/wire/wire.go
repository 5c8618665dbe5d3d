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

// Option adds an extension to the registries New builds: a builtin
// library, connectors, a codec or mapping modules of your own, for a
// transload binary built with them (cli.MainWith).
type Option func(*Set) error

// WithLibraries adds builtin function libraries.
func WithLibraries(libs ...*builtin.Library) Option {
	return func(s *Set) error {
		for _, l := range libs {
			if err := s.Registry.Add(l, 0); err != nil {
				return err
			}
		}
		return nil
	}
}

// WithConnectors adds source and sink types: register calls AddSource and
// AddSink on the registry.
func WithConnectors(register func(*connector.Registry) error) Option {
	return func(s *Set) error { return register(s.Connectors) }
}

// WithCodec adds (or replaces) the codec of a format.
func WithCodec(format string, c connector.Codec) Option {
	return func(s *Set) error {
		s.Codecs[format] = c
		return nil
	}
}

// WithModules adds mapping modules, by the name flows import them with.
func WithModules(modules map[string]fs.FS) Option {
	return func(s *Set) error {
		for name, fsys := range modules {
			s.Modules[name] = fsys
		}
		return nil
	}
}

// WithTypes adds named types (commerce.Order-like) that schemas and
// mappings may use.
func WithTypes(ts *builtin.Types) Option {
	return func(s *Set) error { return s.Types.Merge(ts) }
}

// New builds the registries of everything that ships, plus the
// extensions opts add.
func New(opts ...Option) (*Set, error) {
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
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
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
