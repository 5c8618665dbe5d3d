// Package mappings ships the mapping modules: HCL + CEL files, embedded in
// the binary, that turn what each channel sends into the canonical model
// and the canonical model into what each ERP accepts. A flow imports one by
// name (import "shopify" {}) and calls or extends its mappings; analysts
// read them, and override single fields in their own flow files.
//
// Each folder of modules/ is one module: its *.hcl files (type and mapping
// blocks) and the JSON Schemas they declare types with.
//
// Imports: nothing of the module; the files are data.
package mappings

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed modules
var files embed.FS

// Modules returns the shipped modules by name.
func Modules() map[string]fs.FS {
	out := map[string]fs.FS{}
	entries, _ := fs.ReadDir(files, "modules")
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub, err := fs.Sub(files, "modules/"+e.Name())
		if err == nil {
			out[e.Name()] = sub
		}
	}
	return out
}

// Names lists the module names, sorted.
func Names() []string {
	var names []string
	for n := range Modules() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
