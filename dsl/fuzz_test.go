package dsl_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

// FuzzLoad feeds arbitrary flow files (HCL with CEL inside) to the loader:
// whatever the input, it must return diagnostics, never panic.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/invalid/*.hcl", "testdata/valid/*/*.hcl", "testdata/fmt/*.hcl"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	support := supportFiles(f)
	opts := testOptions(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{}
		for k, v := range support {
			fsys[k] = v
		}
		fsys["main.hcl"] = &fstest.MapFile{Data: src}
		cfg, diags := dsl.LoadFS(fsys, "", opts)
		if !diags.HasErrors() && cfg != nil {
			engine.Build(cfg)
		}
		_, _ = dsl.Format(src, "main.hcl")
	})
}
