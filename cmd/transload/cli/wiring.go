package cli

import (
	"strings"

	"github.com/transload/transload/cmd/transload/wire"
)

func newWiring() (*wire.Set, error) { return wire.New() }

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
