package badgerstore_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/transload/transload/engine/store"
	"github.com/transload/transload/engine/store/badgerstore"
)

const crashEnv = "BADGERSTORE_CRASH_HELPER_DIR"

// helperMain is the child side of TestCrash (the re-executed test binary):
// it writes until it is killed and never returns.
func helperMain() bool {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		return false
	}
	s, err := badgerstore.Open(dir, badgerstore.Options{Logger: quietLogger()})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(2)
	}
	var outMu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	// report writes one line and flushes it at once: one write(2) each, so
	// the parent sees every acknowledgement the moment it happens.
	report := func(kind, id string) {
		outMu.Lock()
		fmt.Fprintf(out, "%s %s\n", kind, id)
		out.Flush()
		outMu.Unlock()
	}
	body := make([]byte, 5900)
	for i := range body {
		body[i] = byte('a' + i%26)
	}
	for g := range 6 {
		go func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("g%d-%06d", g, i)
				var err error
				switch i % 4 {
				case 1:
					// A batch of two.
					err = s.Inbox().Append(ctx, env("orders", id, body), env("orders", id+"b", body))
					if err == nil {
						report("A", id)
						report("A", id+"b")
					}
				case 3:
					// For the worker, which acks: those may or may not
					// survive the crash.
					err = s.Inbox().Append(ctx, env("work", id, body))
					if err == nil {
						report("W", id)
					}
				default:
					err = s.Inbox().Append(ctx, env("orders", id, body))
					if err == nil {
						report("A", id)
					}
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, "append:", err)
					os.Exit(3)
				}
				res, err := s.Keys().Apply(ctx, store.Op{Kind: store.OpCAS, Key: "dedupe/" + id, Value: []byte(id)})
				if err != nil || res[0].Err != nil {
					fmt.Fprintln(os.Stderr, "apply:", err, res)
					os.Exit(3)
				}
				report("K", id)
			}
		}()
	}
	// A worker acks messages as they come: those may or may not survive.
	go func() {
		for {
			es, err := s.Inbox().Claim(ctx, "work", 16)
			if err != nil {
				fmt.Fprintln(os.Stderr, "claim:", err)
				os.Exit(3)
			}
			for _, e := range es {
				report("C", e.ID)
			}
			if len(es) > 0 {
				ids := make([]string, len(es))
				for i, e := range es {
					ids[i] = e.ID
				}
				if err := s.Inbox().Ack(ctx, "work", ids...); err != nil {
					fmt.Fprintln(os.Stderr, "ack:", err)
					os.Exit(3)
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	select {}
}

func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test re-executes the test binary")
	}
	for round := range 6 {
		t.Run(fmt.Sprint("kill", round), func(t *testing.T) {
			crashOnce(t, time.Duration(50+rand.IntN(700))*time.Millisecond)
		})
	}
}

func crashOnce(t *testing.T, after time.Duration) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu                    sync.Mutex
		appended, keyed, work []string
		claimed               = map[string]bool{}
		first                 = make(chan struct{})
		firstOnce             sync.Once
		readDone              = make(chan struct{})
	)
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			kind, id, ok := strings.Cut(sc.Text(), " ")
			if !ok {
				continue
			}
			mu.Lock()
			switch kind {
			case "A":
				appended = append(appended, id)
			case "W":
				work = append(work, id)
			case "K":
				keyed = append(keyed, id)
			case "C":
				claimed[id] = true
			}
			mu.Unlock()
			firstOnce.Do(func() { close(first) })
		}
	}()
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child acknowledged nothing in 30s; stderr:\n%s", stderr.String())
	}
	time.Sleep(after)
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup at all
		t.Fatal(err)
	}
	<-readDone
	werr := cmd.Wait()
	if st := stderr.String(); st != "" {
		t.Fatalf("child failed (%v):\n%s", werr, st)
	}

	s := open(t, dir, badgerstore.Options{GCInterval: -1})
	present := map[string]bool{}
	for _, flow := range []string{"orders", "work"} {
		for {
			es, err := s.Inbox().Claim(ctx, flow, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(es) == 0 {
				break
			}
			for _, e := range es {
				if len(e.Body) != 5900 || e.Flow != flow {
					t.Fatalf("message %s: flow %q, %d-byte body", e.ID, e.Flow, len(e.Body))
				}
				present[e.ID] = true
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	lost := 0
	for _, id := range appended {
		if !present[id] {
			lost++
			if lost < 10 {
				t.Errorf("acknowledged message %s is lost", id)
			}
		}
	}
	for _, id := range work {
		if !present[id] && !claimed[id] {
			lost++
			if lost < 10 {
				t.Errorf("acknowledged message %s is lost", id)
			}
		}
	}
	for _, id := range keyed {
		if _, err := s.Keys().Get(ctx, "dedupe/"+id); err != nil {
			lost++
			if lost < 10 {
				t.Errorf("acknowledged key dedupe/%s: %v", id, err)
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d acknowledged writes lost", lost)
	}
	t.Logf("killed after %v: %d appends and %d keys acknowledged (+%d for the worker, which claimed %d); %d messages in the inboxes after restart",
		after, len(appended), len(keyed), len(work), len(claimed), len(present))
}
