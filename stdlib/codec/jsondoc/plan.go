package jsondoc

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/transload/transload/builtin"
)

// op is what the decoder does with one value.
type op uint8

const (
	opAny      op = iota // infer the representation, keep everything
	opAnyProj            // infer, but only the projected keys and elements
	opString             // string
	opInt                // int64
	opDecimal            // builtin.Decimal
	opDouble             // float64
	opBool               // bool
	opNull               // nil
	opMoney              // builtin.Money
	opQuantity           // builtin.Quantity
	opTime               // time.Time
	opDuration           // time.Duration
	opBytes              // []byte
	opList               // []any of elem
	opMap                // map[string]any of elem (all keys), or of fields (projected keys)
	opObject             // map[string]any of fields
)

var opWant = [...]string{
	opAny: "any value", opAnyProj: "any value", opString: "string", opInt: "integer",
	opDecimal: "decimal", opDouble: "number", opBool: "boolean", opNull: "null",
	opMoney: "money object", opQuantity: "quantity object", opTime: "RFC 3339 timestamp string",
	opDuration: "duration string", opBytes: "base64 string", opList: "array", opMap: "object",
	opObject: "object",
}

// plan is the compiled form of a (type, projection) pair: what to do with
// each value, and for objects which keys to look at. Plans are immutable
// once built and shared by concurrent decodes.
type plan struct {
	op  op
	typ *builtin.Type
	// check marks a validation-only plan: it walks a subtree that nothing
	// reads, to check the required fields inside it, and materialises
	// nothing.
	check bool
	elem  *plan
	obj   *objPlan
}

// objPlan is how an object is walked: the keys to look at, by name.
type objPlan struct {
	fields []field
	// keepRest keeps the keys not in fields with inferred values (the
	// whole object is read).
	keepRest bool
	nreq     int
	// index is an open-addressing table of field indexes+1 by key hash,
	// used when there are more fields than a linear scan handles well.
	index []uint16
	mask  uint32
}

// field is one key an object plan looks at.
type field struct {
	name string
	// plan decodes (keep) or validates (check) the value; nil skips it.
	plan     *plan
	keep     bool
	required bool
}

const linearFields = 8

func (o *objPlan) buildIndex() {
	if len(o.fields) <= linearFields {
		return
	}
	size := 16
	for size < 4*len(o.fields) {
		size <<= 1
	}
	o.index = make([]uint16, size)
	o.mask = uint32(size - 1)
	for i := range o.fields {
		h := keyHash(o.fields[i].name) & o.mask
		for o.index[h] != 0 {
			h = (h + 1) & o.mask
		}
		o.index[h] = uint16(i + 1)
	}
}

// keyHash mixes the length and three bytes of a key: cheap, and enough to
// tell apart the field names of one object.
func keyHash[T string | []byte](k T) uint32 {
	n := uint32(len(k))
	if n == 0 {
		return 0
	}
	h := n*0x9E3779B1 ^ uint32(k[0])<<8 ^ uint32(k[n-1])<<16 ^ uint32(k[n/2])<<24 ^ uint32(k[n*3/4])
	h ^= h >> 15
	h *= 0x2C1B3C6D
	h ^= h >> 12
	return h
}

// lookup returns the index of the field called key, or -1.
func (o *objPlan) lookup(key []byte) int {
	if o.index == nil {
		for i := range o.fields {
			if o.fields[i].name == string(key) {
				return i
			}
		}
		return -1
	}
	h := keyHash(key) & o.mask
	for {
		v := o.index[h]
		if v == 0 {
			return -1
		}
		if o.fields[v-1].name == string(key) {
			return int(v - 1)
		}
		h = (h + 1) & o.mask
	}
}

// Options bound what a decode accepts.
type Options struct {
	// MaxDepth is the deepest nesting of arrays and objects accepted
	// anywhere in the body, read or skipped; 0 means 64.
	MaxDepth int
	// MaxBytes, when positive, rejects longer bodies before decoding.
	MaxBytes int
	// ValidateUnread also checks the required fields inside subtrees that
	// nothing reads, walking them without materialising anything, so that
	// whether a body is accepted does not depend on the projection. It
	// costs: a projected Shopify order, whose every *_set object has
	// required fields, decodes about half as fast. Without it, required
	// fields are checked in every object the decoder walks (those on the
	// way to a read path, and everything kept whole).
	ValidateUnread bool
}

const defaultMaxDepth = 64

// Decoder decodes JSON documents of one type, keeping one projection. It
// is compiled once (per source and flow version) and safe for concurrent
// use.
type Decoder struct {
	root *plan
	typ  *builtin.Type
	keep *Projection
	opts Options
	// share: the whole document is kept, so strings are substrings of one
	// copy of the body rather than one allocation each.
	share bool
}

// NewDecoder compiles the decoding of documents of type t (nil means
// builtin.AnyType), materialising what keep selects (nil: everything).
// It fails for types that have no JSON form (tables, type parameters).
func NewDecoder(t *builtin.Type, keep *Projection, opts Options) (*Decoder, error) {
	if t == nil {
		t = builtin.AnyType
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = defaultMaxDepth
	}
	c := &compiler{memo: map[planKey]*plan{}, needs: map[*builtin.Type]bool{}}
	if opts.ValidateUnread {
		c.computeNeeds(t)
	}
	root, err := c.compile(t, keep, false)
	if err != nil {
		return nil, err
	}
	return &Decoder{root: root, typ: t, keep: keep, opts: opts, share: keep.keepsAll()}, nil
}

// Type returns the type the decoder decodes.
func (d *Decoder) Type() *builtin.Type { return d.typ }

var (
	allProj   = &Projection{All: true}
	emptyProj = &Projection{}
)

type planKey struct {
	t     *builtin.Type
	p     *Projection
	check bool
}

type compiler struct {
	memo map[planKey]*plan
	// needs holds, for every type reachable from the root, whether a value
	// of it can contain a required field (and so must be walked even when
	// nothing reads it). Empty unless Options.ValidateUnread.
	needs map[*builtin.Type]bool
}

// computeNeeds fills c.needs to a fixpoint over the (possibly recursive)
// types reachable from t.
func (c *compiler) computeNeeds(t *builtin.Type) {
	var all []*builtin.Type
	seen := map[*builtin.Type]bool{}
	var visit func(t *builtin.Type)
	visit = func(t *builtin.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		all = append(all, t)
		visit(t.Elem)
		for _, f := range t.Fields {
			visit(f.Type)
		}
	}
	visit(t)
	for changed := true; changed; {
		changed = false
		for _, t := range all {
			if c.needs[t] {
				continue
			}
			n := false
			switch t.Kind {
			case builtin.KindList, builtin.KindMap:
				n = c.needs[t.Elem]
			case builtin.KindObject:
				for _, f := range t.Fields {
					if f.Required || c.needs[f.Type] {
						n = true
						break
					}
				}
			}
			if n {
				c.needs[t] = true
				changed = true
			}
		}
	}
}

// normalise maps the projections that keep everything to allProj and those
// that keep nothing to emptyProj, so that plans for recursive types meet
// themselves again in the memo.
func normalise(p *Projection) *Projection {
	switch {
	case p.keepsAll():
		return allProj
	case p.empty():
		return emptyProj
	}
	return p
}

func (c *compiler) compile(t *builtin.Type, p *Projection, check bool) (*plan, error) {
	if t == nil {
		t = builtin.AnyType
	}
	p = normalise(p)
	// A projection of the wrong shape keeps everything.
	switch t.Kind {
	case builtin.KindObject, builtin.KindMap:
		if len(p.Fields) == 0 && p.Elem != nil && t.Kind == builtin.KindObject {
			p = allProj
		}
	case builtin.KindList:
		if p.Elem == nil && len(p.Fields) > 0 {
			p = allProj
		}
	}
	if check {
		p = nil
	}
	key := planKey{t, p, check}
	if pl := c.memo[key]; pl != nil {
		return pl, nil
	}
	pl := &plan{typ: t, check: check}
	c.memo[key] = pl
	all := p == allProj
	var err error
	switch t.Kind {
	case builtin.KindAny:
		if all {
			pl.op = opAny
			break
		}
		pl.op = opAnyProj
		pl.obj = &objPlan{}
		for _, name := range sortedKeys(p.Fields) {
			sub, err := c.compile(builtin.AnyType, p.Fields[name], false)
			if err != nil {
				return nil, err
			}
			pl.obj.fields = append(pl.obj.fields, field{name: name, plan: sub, keep: true})
		}
		pl.obj.buildIndex()
		elemProj := p.Elem
		if elemProj == nil {
			elemProj = emptyProj
			if len(p.Fields) > 0 {
				elemProj = allProj
			}
		}
		if pl.elem, err = c.compile(builtin.AnyType, elemProj, false); err != nil {
			return nil, err
		}
	case builtin.KindObject:
		pl.op = opObject
		pl.obj, err = c.object(t, p, check)
	case builtin.KindList:
		pl.op = opList
		elemProj := emptyProj
		if all {
			elemProj = allProj
		} else if p != nil && p.Elem != nil {
			elemProj = p.Elem
		}
		pl.elem, err = c.compile(t.Elem, elemProj, check)
	case builtin.KindMap:
		pl.op = opMap
		switch {
		case check, all:
			pl.elem, err = c.compile(t.Elem, p, check)
		case p.Elem != nil:
			pl.elem, err = c.compile(t.Elem, p.Elem, false)
		default:
			pl.obj = &objPlan{}
			for _, name := range sortedKeys(p.Fields) {
				sub, err := c.compile(t.Elem, p.Fields[name], false)
				if err != nil {
					return nil, err
				}
				pl.obj.fields = append(pl.obj.fields, field{name: name, plan: sub, keep: true})
			}
			pl.obj.buildIndex()
		}
	case builtin.KindString:
		pl.op = opString
	case builtin.KindInt:
		pl.op = opInt
	case builtin.KindDecimal:
		pl.op = opDecimal
	case builtin.KindDouble:
		pl.op = opDouble
	case builtin.KindBool:
		pl.op = opBool
	case builtin.KindNull:
		pl.op = opNull
	case builtin.KindMoney:
		pl.op = opMoney
	case builtin.KindQuantity:
		pl.op = opQuantity
	case builtin.KindTimestamp:
		pl.op = opTime
	case builtin.KindDuration:
		pl.op = opDuration
	case builtin.KindBytes:
		pl.op = opBytes
	default:
		return nil, fmt.Errorf("jsondoc: type %s has no JSON form", t)
	}
	if err != nil {
		return nil, err
	}
	return pl, nil
}

// object compiles an object type: the declared fields the projection
// keeps, plus those that must be looked at anyway (required ones, and
// those whose values contain required fields), plus projected keys the
// type does not declare (read through dyn).
func (c *compiler) object(t *builtin.Type, p *Projection, check bool) (*objPlan, error) {
	o := &objPlan{keepRest: !check && p == allProj}
	for _, f := range t.Fields {
		var sub *Projection
		keep := false
		if !check {
			if p == allProj {
				sub, keep = allProj, true
			} else {
				sub, keep = p.Fields[f.Name]
			}
		}
		fd := field{name: f.Name, keep: keep, required: f.Required}
		var err error
		switch {
		case keep:
			fd.plan, err = c.compile(f.Type, sub, false)
		case c.needs[f.Type]:
			fd.plan, err = c.compile(f.Type, nil, true)
		case !f.Required:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		if f.Required {
			o.nreq++
		}
		o.fields = append(o.fields, fd)
	}
	if !check && p != allProj {
		for _, name := range sortedKeys(p.Fields) {
			if t.Field(name) != nil {
				continue
			}
			sub, err := c.compile(builtin.AnyType, p.Fields[name], false)
			if err != nil {
				return nil, err
			}
			o.fields = append(o.fields, field{name: name, plan: sub, keep: true})
		}
	}
	if len(o.fields) > 0xFFFE {
		return nil, fmt.Errorf("jsondoc: type %s has too many fields", t)
	}
	o.buildIndex()
	return o, nil
}

func sortedKeys(m map[string]*Projection) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// The decoders Decode compiles are kept, keyed by type and projection
// identity, up to maxCached; beyond that the cache starts over (reloads
// make new types, so old entries would otherwise stay forever).
const maxCached = 256

var (
	cache      sync.Map // planCacheKey → *Decoder
	cacheCount atomic.Int64
)

type planCacheKey struct {
	t    *builtin.Type
	keep *Projection
	opts Options
}

// Decode decodes one JSON document of type t, materialising what keep
// selects. It compiles a Decoder on first use of a (t, keep, opts) triple
// and reuses it afterwards; code on a hot path holds its own Decoder.
func Decode(data []byte, t *builtin.Type, keep *Projection, opts Options) (any, error) {
	k := planCacheKey{t, keep, opts}
	if d, ok := cache.Load(k); ok {
		return d.(*Decoder).Decode(data)
	}
	d, err := NewDecoder(t, keep, opts)
	if err != nil {
		return nil, err
	}
	if cacheCount.Add(1) > maxCached {
		cache.Clear()
		cacheCount.Store(1)
	}
	cache.Store(k, d)
	return d.Decode(data)
}
