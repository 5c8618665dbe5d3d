package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"testing/fstest"

	"github.com/transload/transload/engine/store"
)

// FS is a folder of flow files, for loading a snapshot.
type FS = fs.FS

// PinHeader pins a replayed message to the version of the flows it names;
// without it a message runs on the current version.
const PinHeader = "x-transload-pin-version"

// ReplayOfHeader names the dead letter a message replays.
const ReplayOfHeader = "x-transload-replay-of"

func versionKey(id string) string { return "versions/" + id }

// saveSnapshot keeps the files of a version in the store, so that a dead
// letter can be replayed on the version it failed on after later edits.
func (e *Engine) saveSnapshot(ctx context.Context, v *Version) error {
	if _, err := e.opts.Store.Keys().Get(ctx, versionKey(v.ID)); err == nil {
		return nil
	}
	b, err := json.Marshal(v.Config.Sources)
	if err != nil {
		return err
	}
	_, err = e.opts.Store.Keys().Apply(ctx, store.Op{Kind: store.OpPut, Key: versionKey(v.ID), Value: b})
	return err
}

// pinnedVersion returns a running version by id: the current one, or one
// loaded from its snapshot (kept loaded, without sources, for later
// replays).
func (e *Engine) pinnedVersion(id string) (*Version, error) {
	if cur := e.Current(); cur != nil && cur.ID == id {
		return cur, nil
	}
	if v, ok := e.pinned.Load(id); ok {
		return v.(*Version), nil
	}
	if e.opts.LoadFS == nil {
		return nil, errors.New("this engine cannot load snapshots")
	}
	entry, err := e.opts.Store.Keys().Get(context.Background(), versionKey(id))
	if err != nil {
		return nil, fmt.Errorf("version %s: %w", id, err)
	}
	var files map[string][]byte
	if err := json.Unmarshal(entry.Value, &files); err != nil {
		return nil, err
	}
	fsys := fstest.MapFS{}
	for name, b := range files {
		fsys[name] = &fstest.MapFile{Data: b}
	}
	cfg, diags := e.opts.LoadFS(fsys)
	if diags.HasErrors() {
		return nil, fmt.Errorf("version %s no longer loads: %s", id, firstError(diags))
	}
	g, gd := Build(cfg)
	if gd.HasErrors() {
		return nil, fmt.Errorf("version %s: %s", id, firstError(gd))
	}
	saved := e.opts.NoSources
	e.opts.NoSources = true
	v, err := e.buildVersion(cfg, g, 0)
	e.opts.NoSources = saved
	if err != nil {
		return nil, err
	}
	actual, loaded := e.pinned.LoadOrStore(id, v)
	if loaded {
		v.close(context.Background(), e)
	}
	return actual.(*Version), nil
}

// ReplayOptions say how to replay a dead letter.
type ReplayOptions struct {
	Who, Why string
	// Pinned replays on the version the message failed on; otherwise on
	// the current version.
	Pinned bool
	// Body replaces the original body (a fixed payload); nil keeps it.
	Body []byte
}

// Replay puts a dead letter's message back into its flow's inbox as a new
// message, removes the dead letter and writes an audit record.
func (e *Engine) Replay(ctx context.Context, id string, o ReplayOptions) (*store.Envelope, error) {
	return replay(ctx, e.opts.Store, id, o, e.now(), newMessageID, func(flow string) { e.sched.notify(flow) })
}

// Discard removes a dead letter, writing an audit record of who and why.
func (e *Engine) Discard(ctx context.Context, id, who, why string) error {
	return Discard(ctx, e.opts.Store, id, who, why, e.now())
}
