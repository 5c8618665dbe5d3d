package connectors_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine/connector"
	"github.com/transload/transload/stdlib/connectors"
)

// loadFlows loads flow text with the real loader and this package's
// specs, so the specs are checked the way users meet them.
func loadFlows(t *testing.T, src string) (*dsl.Config, hcl.Diagnostics) {
	t.Helper()
	r := connector.NewRegistry()
	if err := connectors.Register(r); err != nil {
		t.Fatal(err)
	}
	return dsl.LoadFS(fstest.MapFS{"main.hcl": {Data: []byte(src)}}, "", dsl.Options{
		Connectors: r,
		Formats:    []string{"json", "csv", "x12"},
		LookupEnv: func(name string) (string, bool) {
			if name == "SHOPIFY_WEBHOOK_SECRET" {
				return "from-env", true
			}
			return "", false
		},
	})
}

const everyConnector = `
sink "stdout" "log" {}

sink "file" "outbox" {
  dir       = "outbox"
  extension = ".edi"
}

sink "file" "journal" {
  dir  = "journal"
  mode = "append"
  file = "orders.jsonl"
}

sink "http" "erp" {
  url         = "https://erp.example.com/api/salesOrder"
  method      = "PUT"
  path        = "'/eid:' + string(input.id)"
  headers     = { "X-Order-Id" = "string(input.id)" }
  idempotency = "upsert"
  timeout     = "10s"
  auth "oauth2" {
    token_url     = "https://login.example.com/oauth2/token"
    client_id     = "transload"
    client_secret = env("SHOPIFY_WEBHOOK_SECRET")
    scopes        = ["orders.write"]
  }
}

flow "orders" {
  schema = any

  source "http" {
    path    = "/webhooks/orders"
    verify  = "shopify"
    secrets = [env("SHOPIFY_WEBHOOK_SECRET")]
  }

  source "file" {
    dir     = "in/orders"
    pattern = "*.jsonl"
    format  = "jsonl"
  }

  source "schedule" {
    cron     = "*/15 6-20 * * MON-FRI"
    timezone = "America/Chicago"
    body     = jsonencode({ report = "open_orders" })
  }

  route "out" {
    default {
      to = [sink.erp, sink.outbox, sink.journal, sink.log]
    }
  }
}
`

func TestSpecsLoadWithTheRealLoader(t *testing.T) {
	_, diags := loadFlows(t, everyConnector)
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			t.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
}

func TestLoaderReportsConnectorMistakes(t *testing.T) {
	cases := []struct {
		name, from, to, want string
	}{
		{"bad cron", `cron     = "*/15 6-20 * * MON-FRI"`, `cron = "every monday"`, `not a valid schedule`},
		{"bad verify", `verify  = "shopify"`, `verify = "github"`, `must be one of`},
		{"path without slash", `path    = "/webhooks/orders"`, `path = "webhooks/orders"`, `must start with /`},
		{"two auth blocks", `  auth "oauth2" {`, "  auth \"bearer\" {\n    token = \"t\"\n  }\n  auth \"oauth2\" {", `Only one auth block`},
		{"bad file glob", `pattern = "*.jsonl"`, `pattern = "[jsonl"`, `not a valid glob`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(everyConnector, c.from, c.to, 1)
			if src == everyConnector {
				t.Fatal("the replacement did not apply")
			}
			_, diags := loadFlows(t, src)
			var all strings.Builder
			for _, d := range diags {
				all.WriteString(d.Summary + ": " + d.Detail + "\n")
			}
			if !diags.HasErrors() || !strings.Contains(all.String(), c.want) {
				t.Fatalf("diagnostics:\n%s\nwant one containing %q", all.String(), c.want)
			}
		})
	}
}
