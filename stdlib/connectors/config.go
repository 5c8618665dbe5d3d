package connectors

import (
	"fmt"
	"math/big"
	"path/filepath"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// The accessors below read settings from a connector's cty object. They
// are lenient on purpose: the loader has already checked the config
// against the spec, and Go callers (tests, embedders) may build a config
// with only the settings they care about, so a missing, null or unknown
// attribute reads as "not set" and the constructor applies the default.

// attr returns the attribute name of obj, or a null value.
func attr(obj cty.Value, name string) cty.Value {
	if obj == cty.NilVal || obj.IsNull() || !obj.IsKnown() {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	t := obj.Type()
	if !(t.IsObjectType() && t.HasAttribute(name)) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return obj.GetAttr(name)
}

// isSet reports whether v is a known, non-null value.
func isSet(v cty.Value) bool { return v != cty.NilVal && v.IsKnown() && !v.IsNull() }

// getString returns a string setting, or def when it is not set.
func getString(obj cty.Value, name, def string) string {
	v := attr(obj, name)
	if !isSet(v) || v.Type() != cty.String {
		return def
	}
	return v.AsString()
}

// getBool returns a bool setting, or def when it is not set.
func getBool(obj cty.Value, name string, def bool) bool {
	v := attr(obj, name)
	if !isSet(v) || v.Type() != cty.Bool {
		return def
	}
	return v.True()
}

// getStrings returns a list-of-strings setting; null and unknown elements
// are left out (a secret read from an unset variable is such an element).
func getStrings(obj cty.Value, name string) []string {
	v := attr(obj, name)
	if !isSet(v) || !(v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if isSet(e) && e.Type() == cty.String {
			out = append(out, e.AsString())
		}
	}
	return out
}

// getStringMap returns a map-of-strings setting.
func getStringMap(obj cty.Value, name string) map[string]string {
	v := attr(obj, name)
	if !isSet(v) || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return nil
	}
	out := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if isSet(e) && e.Type() == cty.String {
			out[k.AsString()] = e.AsString()
		}
	}
	return out
}

// getInt returns a whole-number setting, or def when it is not set.
func getInt(obj cty.Value, name string, def int64) (int64, error) {
	v := attr(obj, name)
	if !isSet(v) || v.Type() != cty.Number {
		return def, nil
	}
	bf := v.AsBigFloat()
	i, acc := bf.Int64()
	if acc != big.Exact {
		return 0, fmt.Errorf("%s must be a whole number, not %s", name, bf.Text('g', 10))
	}
	return i, nil
}

// getDuration returns a duration setting written as Go duration text
// ("2s", "500ms", "1m30s"), or def when it is not set.
func getDuration(obj cty.Value, name string, def time.Duration) (time.Duration, error) {
	s := getString(obj, name, "")
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a duration (write it like \"2s\", \"500ms\" or \"1m30s\")", name, s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%s must be positive, not %q", name, s)
	}
	return d, nil
}

// checkDuration is getDuration for spec checks.
func checkDuration(obj cty.Value, name string) error {
	_, err := getDuration(obj, name, time.Second)
	return err
}

// resolvePath makes p absolute against base (when p is relative and base
// is set) and cleans it.
func resolvePath(base, p string) string {
	if p == "" || filepath.IsAbs(p) || base == "" {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}
