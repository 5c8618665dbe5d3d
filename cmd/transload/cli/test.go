package cli

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/transload/transload/dsl"
	"github.com/transload/transload/engine"
)

func (a *app) testCmd() *cobra.Command {
	var run, junit string
	var cover bool
	var lf loadFlags
	c := &cobra.Command{
		Use:   "test [DIR]",
		Short: "Run the flow tests (*.flowtest.hcl) next to the flows",
		Long: `Test runs the run blocks of the *.flowtest.hcl files in DIR (default:
flows): each sends an input through a flow with mock sinks, a fixed clock
and fixed ids, and checks its assertions, its expected outcome or dead
letter, and its golden files. Nothing is sent anywhere and nothing is
written.

It prints a line per run, and for each failure the assertion's position,
its message and the values it read. It exits with status 1 when a test
fails or a test file does not load (a mistyped assertion is a load error,
never a silent pass). --junit writes a JUnit XML report for CI; --cover
reports the steps, route cases and validation rules no test exercised.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := "flows"
			if len(args) == 1 {
				dir = args[0]
			}
			var filter *regexp.Regexp
			if run != "" {
				var err error
				if filter, err = regexp.Compile(run); err != nil {
					return a.usageError(c, "--run: %v", err)
				}
			}
			w, err := a.newWiring()
			if err != nil {
				return err
			}
			vars, bad := parseVars(lf.vars)
			if bad != "" {
				return a.usageError(c, "--var wants NAME=VALUE, got %q", bad)
			}
			suite, diags := dsl.LoadTests(dir, w.LoadOptions(vars, nil))
			if diags.HasErrors() {
				_ = dsl.WriteDiagnostics(a.stderr, suite.Files, diags, 100, a.color)
				fmt.Fprintln(a.stderr, "FAIL: the tests do not load")
				return errFailed
			}
			if len(suite.Runs) == 0 {
				fmt.Fprintf(a.stdout, "no tests in %s\n", dir)
				return nil
			}
			start := time.Now()
			var results []*engine.TestResult
			passed, failed := 0, 0
			for _, r := range suite.Runs {
				name := filepath.Base(r.File) + "/" + r.Name
				if filter != nil && !filter.MatchString(name) && !filter.MatchString(r.Name) {
					continue
				}
				res := engine.RunTest(context.Background(), r, w.Codecs, w.Connectors)
				results = append(results, res)
				status := "PASS"
				if !res.Passed {
					status = "FAIL"
					failed++
				} else {
					passed++
				}
				fmt.Fprintf(a.stdout, "--- %s: %s (%.2fs)\n", status, name, res.Duration.Seconds())
				for _, f := range res.Failures {
					fmt.Fprintf(a.stdout, "    %s: %s\n", f.Pos, indentRest(f.Message, "    "))
					for _, v := range f.Values {
						fmt.Fprintf(a.stdout, "        %s = %s\n", v.Path, v.Value)
					}
					for _, ch := range f.Changes {
						fmt.Fprintf(a.stdout, "        %s: %s → %s\n", ch.Path, orAbsent(ch.Old), orAbsent(ch.New))
					}
				}
			}
			if cover {
				cov := engine.CoverageOf(results)
				pct := 100.0
				if cov.Total > 0 {
					pct = 100 * float64(cov.Covered) / float64(cov.Total)
				}
				fmt.Fprintf(a.stdout, "coverage: %.1f%% of steps, route cases and validation rules (%d of %d)\n", pct, cov.Covered, cov.Total)
				for _, m := range cov.Missing {
					fmt.Fprintf(a.stdout, "    not exercised: %s\n", m)
				}
			}
			if junit != "" {
				if err := writeJUnit(junit, dir, results); err != nil {
					fmt.Fprintf(a.stderr, "Error: %v\n", err)
					return errFailed
				}
			}
			took := time.Since(start).Seconds()
			if failed > 0 {
				fmt.Fprintf(a.stdout, "FAIL\t%s\t%d passed, %d failed (%.2fs)\n", dir, passed, failed, took)
				return errFailed
			}
			fmt.Fprintf(a.stdout, "ok\t%s\t%d passed (%.2fs)\n", dir, passed, took)
			return nil
		},
	}
	c.Flags().StringVar(&run, "run", "", "run only the tests whose file/name matches this regular expression")
	c.Flags().StringVar(&junit, "junit", "", "write a JUnit XML report to this file")
	c.Flags().BoolVar(&cover, "cover", false, "report the steps, route cases and rules no test exercised")
	c.Flags().StringArrayVar(&lf.vars, "var", nil, "set a variable for every run: --var NAME=VALUE")
	return c
}

func indentRest(s, prefix string) string { return strings.ReplaceAll(s, "\n", "\n"+prefix) }

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
	seconds  float64
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func writeJUnit(path, dir string, results []*engine.TestResult) error {
	byFile := map[string]*junitSuite{}
	var order []string
	for _, r := range results {
		file := filepath.Base(r.Run.File)
		s := byFile[file]
		if s == nil {
			s = &junitSuite{Name: file}
			byFile[file] = s
			order = append(order, file)
		}
		tc := junitCase{Name: r.Run.Name, Classname: r.Run.Flow.Name, Time: fmt.Sprintf("%.3f", r.Duration.Seconds())}
		if !r.Passed {
			var b strings.Builder
			for _, f := range r.Failures {
				fmt.Fprintf(&b, "%s: %s\n", f.Pos, f.Message)
				for _, v := range f.Values {
					fmt.Fprintf(&b, "  %s = %s\n", v.Path, v.Value)
				}
				for _, ch := range f.Changes {
					fmt.Fprintf(&b, "  %s: %s -> %s\n", ch.Path, orAbsent(ch.Old), orAbsent(ch.New))
				}
			}
			first, _, _ := strings.Cut(r.Failures[0].Message, "\n")
			tc.Failure = &junitFailure{Message: first, Text: b.String()}
			s.Failures++
		}
		s.Tests++
		s.Cases = append(s.Cases, tc)
		s.seconds += r.Duration.Seconds()
		s.Time = fmt.Sprintf("%.3f", s.seconds)
	}
	out := junitSuites{}
	for _, f := range order {
		out.Suites = append(out.Suites, *byFile[f])
	}
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte(xml.Header), append(b, '\n')...), 0o644)
}
