package cli

import (
	"os"
	"strings"

	"github.com/transload/transload/cmd/transload/wire"
)

func (a *app) newWiring() (*wire.Set, error) { return wire.New(a.ext...) }

// varEnvPrefix names variables set in the environment, as Terraform's
// TF_VAR_: TRANSLOAD_VAR_erp_url=https://… sets erp_url. --var wins.
const varEnvPrefix = "TRANSLOAD_VAR_"

// parseVars reads the variables of the environment, then the --var flags.
func parseVars(list []string) (map[string]string, string) {
	flags, bad := parseAssignments(list)
	if bad != "" {
		return nil, bad
	}
	out := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, varEnvPrefix) && len(k) > len(varEnvPrefix) {
			out[k[len(varEnvPrefix):]] = v
		}
	}
	for k, v := range flags {
		out[k] = v
	}
	return out, ""
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
