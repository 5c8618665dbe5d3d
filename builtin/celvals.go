package builtin

import (
	"fmt"
	"reflect"
	"sync"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// CEL type names of the builtin value types.
const (
	celDecimalName  = "transload.Decimal"
	celMoneyName    = "transload.Money"
	celQuantityName = "transload.Quantity"
	celTableName    = "transload.Table"
)

// The CEL runtime types. Decimal and Money carry the arithmetic traits so
// that CEL's standard operators dispatch to them: the standard library binds
// "+" once for all types through traits.Adder, so operator overloads for
// these types are declared to the checker and implemented here, by calling
// the same Go methods the expr dialect calls.
var (
	celDecimalType = types.NewObjectType(celDecimalName, traits.AdderType, traits.SubtractorType,
		traits.MultiplierType, traits.DividerType, traits.NegatorType, traits.ComparerType)
	celMoneyType = types.NewObjectType(celMoneyName, traits.AdderType, traits.SubtractorType,
		traits.MultiplierType, traits.NegatorType, traits.ComparerType)
	celQuantityType = types.NewObjectType(celQuantityName, traits.AdderType, traits.ComparerType)
)

func celErr(err error) ref.Val { return types.WrapErr(err) }

type decimalVal struct{ v Decimal }

func (d decimalVal) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case reflect.TypeFor[Decimal](), reflect.TypeFor[any]():
		return d.v, nil
	case reflect.TypeFor[string]():
		return d.v.String(), nil
	}
	return nil, fmt.Errorf("cannot convert decimal to %v", t)
}

func (d decimalVal) ConvertToType(t ref.Type) ref.Val {
	switch t.TypeName() {
	case types.StringType.TypeName():
		return types.String(d.v.String())
	case celDecimalName:
		return d
	case types.TypeType.TypeName():
		return celDecimalType
	}
	return types.NewErr("type conversion error from decimal to %s", t.TypeName())
}

func (d decimalVal) Equal(o ref.Val) ref.Val {
	switch x := o.(type) {
	case decimalVal:
		return types.Bool(d.v.Cmp(x.v) == 0)
	case types.Int:
		return types.Bool(d.v.Cmp(DecimalFromInt(int64(x))) == 0)
	}
	return types.False
}

func (d decimalVal) Type() ref.Type { return celDecimalType }
func (d decimalVal) Value() any     { return d.v }

func (d decimalVal) other(o ref.Val) (Decimal, bool) {
	switch x := o.(type) {
	case decimalVal:
		return x.v, true
	case types.Int:
		return DecimalFromInt(int64(x)), true
	}
	return Decimal{}, false
}

func (d decimalVal) arith(o ref.Val, f func(a, b Decimal) (Decimal, error)) ref.Val {
	b, ok := d.other(o)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	r, err := f(d.v, b)
	if err != nil {
		return celErr(err)
	}
	return decimalVal{r}
}

func (d decimalVal) Add(o ref.Val) ref.Val      { return d.arith(o, Decimal.Add) }
func (d decimalVal) Subtract(o ref.Val) ref.Val { return d.arith(o, Decimal.Sub) }
func (d decimalVal) Multiply(o ref.Val) ref.Val { return d.arith(o, Decimal.Mul) }
func (d decimalVal) Divide(o ref.Val) ref.Val   { return d.arith(o, Decimal.Quo) }
func (d decimalVal) Negate() ref.Val            { return decimalVal{d.v.Neg()} }

func (d decimalVal) Compare(o ref.Val) ref.Val {
	b, ok := d.other(o)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return types.Int(d.v.Cmp(b))
}

type moneyVal struct{ v Money }

func (m moneyVal) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case reflect.TypeFor[Money](), reflect.TypeFor[any]():
		return m.v, nil
	}
	return nil, fmt.Errorf("cannot convert money to %v", t)
}

func (m moneyVal) ConvertToType(t ref.Type) ref.Val {
	switch t.TypeName() {
	case types.StringType.TypeName():
		return types.String(m.v.String())
	case celMoneyName:
		return m
	case types.TypeType.TypeName():
		return celMoneyType
	}
	return types.NewErr("type conversion error from money to %s", t.TypeName())
}

func (m moneyVal) Equal(o ref.Val) ref.Val {
	x, ok := o.(moneyVal)
	return types.Bool(ok && m.v.Equal(x.v))
}

func (m moneyVal) Type() ref.Type { return celMoneyType }
func (m moneyVal) Value() any     { return m.v }

func (m moneyVal) money(o ref.Val, f func(a, b Money) (Money, error)) ref.Val {
	x, ok := o.(moneyVal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	r, err := f(m.v, x.v)
	if err != nil {
		return celErr(err)
	}
	return moneyVal{r}
}

func (m moneyVal) Add(o ref.Val) ref.Val      { return m.money(o, Money.Add) }
func (m moneyVal) Subtract(o ref.Val) ref.Val { return m.money(o, Money.Sub) }
func (m moneyVal) Negate() ref.Val            { return moneyVal{m.v.Neg()} }

// Multiply supports money × int and money × decimal. A decimal factor may
// produce fractions of a minor unit; they are an error here (use
// round_money or mul with a rounding mode), because an operator cannot say
// how to round.
func (m moneyVal) Multiply(o ref.Val) ref.Val {
	r, err := MoneyTimes(m.v, toNative(o))
	if err != nil {
		return celErr(err)
	}
	return moneyVal{r}
}

func (m moneyVal) Compare(o ref.Val) ref.Val {
	x, ok := o.(moneyVal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	c, err := m.v.Cmp(x.v)
	if err != nil {
		return celErr(err)
	}
	return types.Int(c)
}

// MoneyTimes multiplies m by an int64 or a Decimal factor exactly; a result
// with fractions of a minor unit is an INVALID_MONEY error.
func MoneyTimes(m Money, factor any) (Money, error) {
	var f Decimal
	switch x := factor.(type) {
	case int64:
		f = DecimalFromInt(x)
	case Decimal:
		f = x
	default:
		return Money{}, Errorf(ReasonInvalidArgument, "cannot multiply money by %T", factor)
	}
	p, err := m.Amount.Mul(f)
	if err != nil {
		return Money{}, err
	}
	return NewMoney(p, m.Currency)
}

type quantityVal struct{ v Quantity }

func (q quantityVal) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case reflect.TypeFor[Quantity](), reflect.TypeFor[any]():
		return q.v, nil
	}
	return nil, fmt.Errorf("cannot convert quantity to %v", t)
}

func (q quantityVal) ConvertToType(t ref.Type) ref.Val {
	switch t.TypeName() {
	case types.StringType.TypeName():
		return types.String(q.v.String())
	case celQuantityName:
		return q
	case types.TypeType.TypeName():
		return celQuantityType
	}
	return types.NewErr("type conversion error from quantity to %s", t.TypeName())
}

func (q quantityVal) Equal(o ref.Val) ref.Val {
	x, ok := o.(quantityVal)
	return types.Bool(ok && q.v.Equal(x.v))
}

func (q quantityVal) Type() ref.Type { return celQuantityType }
func (q quantityVal) Value() any     { return q.v }

func (q quantityVal) Add(o ref.Val) ref.Val {
	x, ok := o.(quantityVal)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	r, err := q.v.Add(x.v)
	if err != nil {
		return celErr(err)
	}
	return quantityVal{r}
}

func (q quantityVal) Compare(o ref.Val) ref.Val {
	x, ok := o.(quantityVal)
	if !ok || x.v.UOM != q.v.UOM {
		return celErr(Errorf(ReasonInvalidQuantity, "cannot compare %s and %v: units differ", q.v, toNative(o)))
	}
	return types.Int(q.v.Value.Cmp(x.v.Value))
}

type tableVal struct{ v *Table }

var celTableType = types.NewOpaqueType(celTableName)

func (t tableVal) ConvertToNative(rt reflect.Type) (any, error) { return t.v, nil }
func (t tableVal) ConvertToType(ref.Type) ref.Val {
	return types.NewErr("a table converts to nothing")
}
func (t tableVal) Equal(o ref.Val) ref.Val {
	x, ok := o.(tableVal)
	return types.Bool(ok && x.v == t.v)
}
func (t tableVal) Type() ref.Type { return celTableType }
func (t tableVal) Value() any     { return t.v }

// toNative converts a CEL value to the native representation of its kind.
func toNative(v ref.Val) any {
	switch x := v.(type) {
	case types.String:
		return string(x)
	case types.Int:
		return int64(x)
	case types.Bool:
		return bool(x)
	case types.Double:
		return float64(x)
	case types.Uint:
		return int64(x)
	case types.Bytes:
		return []byte(x)
	case types.Null:
		return nil
	case types.Timestamp:
		return x.Time
	case types.Duration:
		return x.Duration
	case decimalVal:
		return x.v
	case moneyVal:
		return x.v
	case quantityVal:
		return x.v
	case tableVal:
		return x.v
	case *types.Optional:
		if x.HasValue() {
			return toNative(x.GetValue())
		}
		return nil
	case traits.Mapper:
		switch m := x.Value().(type) {
		case map[string]any:
			return m
		case map[ref.Val]ref.Val:
			// A map literal: read it directly, without an iterator and a
			// lookup per key.
			out := make(map[string]any, len(m))
			for k, e := range m {
				key, ok := k.(types.String)
				if !ok {
					key = types.String(fmt.Sprint(toNative(k)))
				}
				out[string(key)] = toNative(e)
			}
			return out
		}
		out := make(map[string]any, int(x.Size().(types.Int)))
		for it := x.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			key, ok := k.(types.String)
			if !ok {
				key = types.String(fmt.Sprint(toNative(k)))
			}
			out[string(key)] = toNative(x.Get(k))
		}
		return out
	case traits.Lister:
		switch l := x.Value().(type) {
		case []any:
			return l
		case []ref.Val:
			// A list CEL built (a literal, map(), +): its elements as they are.
			out := make([]any, len(l))
			for i, e := range l {
				out[i] = toNative(e)
			}
			return out
		}
		n := int(x.Size().(types.Int))
		out := make([]any, n)
		for i := range n {
			out[i] = toNative(x.Get(types.Int(i)))
		}
		return out
	}
	return v.Value()
}

// celAdapter adapts native values to CEL values, knowing the builtin value
// types, and provides the fields of the named object types to the checker.
// Field tables are built on first use, so types added to the Types after
// the environment was created (a mapping's inferred output type) work too.
type celAdapter struct {
	*types.Registry
	objects *Types
	builtin map[string]map[string]*types.FieldType
	fields  sync.Map // type name -> map[string]*types.FieldType
}

func newCELAdapter(objects *Types) (*celAdapter, error) {
	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	a := &celAdapter{Registry: reg, objects: objects, builtin: map[string]map[string]*types.FieldType{}}
	a.builtin[celMoneyName] = map[string]*types.FieldType{
		"amount":   builtinField("amount", celDecimalType),
		"currency": builtinField("currency", types.StringType),
	}
	a.builtin[celQuantityName] = map[string]*types.FieldType{
		"value": builtinField("value", celDecimalType),
		"uom":   builtinField("uom", types.StringType),
	}
	return a, nil
}

func (a *celAdapter) fieldsOf(name string) (map[string]*types.FieldType, bool) {
	if fm, ok := a.builtin[name]; ok {
		return fm, true
	}
	if fm, ok := a.fields.Load(name); ok {
		return fm.(map[string]*types.FieldType), true
	}
	t := a.objects.Lookup(name)
	if t == nil || t.Kind != KindObject {
		return nil, false
	}
	fm := make(map[string]*types.FieldType, len(t.Fields))
	for _, f := range t.Fields {
		fm[f.Name] = objectField(f.Name, celType(f.Type))
	}
	a.fields.Store(name, fm)
	return fm, true
}

// builtinField is a field of money or a quantity, as CEL reads it: through
// ValueField, as the native evaluator and flow tests do.
func builtinField(name string, t *types.Type) *types.FieldType {
	return &types.FieldType{
		Type:  t,
		IsSet: func(o any) bool { _, ok := ValueField(o, name); return ok },
		GetFrom: func(o any) (any, error) {
			v, ok := ValueField(o, name)
			if !ok {
				return nil, fmt.Errorf("no field %s in %T", name, o)
			}
			return v, nil
		},
	}
}

// objectField reads a field of a decoded document. A field that is absent
// or null is an error with the NULL_REQUIRED_FIELD reason: expressions that
// accept a missing value say so with has() or the ?. optional syntax, so
// nothing is ever silently read as "" or 0.
func objectField(name string, t *types.Type) *types.FieldType {
	return &types.FieldType{
		Type: t,
		IsSet: func(o any) bool {
			m, ok := o.(map[string]any)
			return ok && m[name] != nil
		},
		GetFrom: func(o any) (any, error) {
			m, ok := o.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("cannot read field %q of %T", name, o)
			}
			v := m[name]
			if v == nil {
				return nil, &Error{Reason: ReasonNullRequiredField, Msg: fmt.Sprintf("field %q is missing or null", name)}
			}
			return v, nil
		},
	}
}

func (a *celAdapter) FindStructType(name string) (*types.Type, bool) {
	if t, ok := a.celObject(name); ok {
		return types.NewTypeTypeWithParam(t), true
	}
	return a.Registry.FindStructType(name)
}

func (a *celAdapter) celObject(name string) (*types.Type, bool) {
	switch name {
	case celMoneyName:
		return celMoneyType, true
	case celQuantityName:
		return celQuantityType, true
	case celDecimalName:
		return celDecimalType, true
	}
	if a.objects.Lookup(name) != nil {
		return types.NewObjectType(name), true
	}
	return nil, false
}

func (a *celAdapter) FindStructFieldNames(name string) ([]string, bool) {
	if fm, ok := a.fieldsOf(name); ok {
		names := make([]string, 0, len(fm))
		for n := range fm {
			names = append(names, n)
		}
		return names, true
	}
	return a.Registry.FindStructFieldNames(name)
}

func (a *celAdapter) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if fm, ok := a.fieldsOf(name); ok {
		ft, ok := fm[field]
		return ft, ok
	}
	return a.Registry.FindStructFieldType(name, field)
}

// NewValue builds an object from a CEL struct literal:
// commerce.OrderLine{sku: "A1", quantity: qty(2, "EA")}. The checker has
// already checked the field names and types.
func (a *celAdapter) NewValue(name string, fields map[string]ref.Val) ref.Val {
	switch name {
	case celMoneyName:
		amt, _ := toNative(fields["amount"]).(Decimal)
		cur, _ := toNative(fields["currency"]).(string)
		m, err := NewMoney(amt, cur)
		if err != nil {
			return celErr(err)
		}
		return moneyVal{m}
	case celQuantityName:
		v, _ := toNative(fields["value"]).(Decimal)
		u, _ := toNative(fields["uom"]).(string)
		return quantityVal{Quantity{Value: v, UOM: u}}
	}
	if a.objects.Lookup(name) == nil {
		return a.Registry.NewValue(name, fields)
	}
	m := make(map[string]any, len(fields))
	for k, v := range fields {
		m[k] = toNative(v)
	}
	return types.NewStringInterfaceMap(a, m)
}

func (a *celAdapter) NativeToValue(v any) ref.Val {
	switch x := v.(type) {
	case Decimal:
		return decimalVal{x}
	case Money:
		return moneyVal{x}
	case Quantity:
		return quantityVal{x}
	case *Table:
		return tableVal{x}
	case map[string]any:
		return types.NewStringInterfaceMap(a, x)
	case []any:
		return types.NewDynamicList(a, x)
	case time.Time:
		return types.Timestamp{Time: x}
	}
	return a.Registry.NativeToValue(v)
}

// celType converts a builtin type to the CEL type the checker uses.
func celType(t *Type) *types.Type {
	switch t.Kind {
	case KindNull:
		return types.NullType
	case KindBool:
		return types.BoolType
	case KindInt:
		return types.IntType
	case KindDouble:
		return types.DoubleType
	case KindString:
		return types.StringType
	case KindBytes:
		return types.BytesType
	case KindDecimal:
		return celDecimalType
	case KindMoney:
		return celMoneyType
	case KindQuantity:
		return celQuantityType
	case KindTimestamp:
		return types.TimestampType
	case KindDuration:
		return types.DurationType
	case KindList:
		return types.NewListType(celType(t.Elem))
	case KindMap:
		return types.NewMapType(types.StringType, celType(t.Elem))
	case KindObject:
		return types.NewObjectType(t.Name)
	case KindTable:
		return types.NewOpaqueType(celTableName, celType(t.Elem))
	case typeParamKind:
		return types.NewTypeParamType(t.Name)
	}
	return types.DynType
}

// typeParamKind marks a type parameter ("T") in a builtin signature, such
// as lookup(table(T), string) -> T. It is internal: types.go documents the
// kinds users see.
const typeParamKind Kind = 200

// TypeParam returns the type parameter called name, for generic builtin
// signatures.
func TypeParam(name string) *Type { return &Type{Kind: typeParamKind, Name: name} }

// fromCELType converts a checked CEL type back to a builtin type.
func fromCELType(t *types.Type, objects *Types) *Type {
	switch t.Kind() {
	case types.BoolKind:
		return BoolType
	case types.IntKind, types.UintKind:
		return IntType
	case types.DoubleKind:
		return DoubleType
	case types.StringKind:
		return StringType
	case types.BytesKind:
		return BytesType
	case types.NullTypeKind:
		return NullType
	case types.TimestampKind:
		return TimestampType
	case types.DurationKind:
		return DurationType
	case types.ListKind:
		return ListOf(fromCELType(t.Parameters()[0], objects))
	case types.MapKind:
		return MapOf(fromCELType(t.Parameters()[1], objects))
	case types.OpaqueKind:
		if t.TypeName() == celTableName && len(t.Parameters()) == 1 {
			return TableOf(fromCELType(t.Parameters()[0], objects))
		}
		if t.TypeName() == "optional_type" && len(t.Parameters()) == 1 {
			return fromCELType(t.Parameters()[0], objects)
		}
	case types.StructKind:
		switch t.TypeName() {
		case celDecimalName:
			return DecimalType
		case celMoneyName:
			return MoneyType
		case celQuantityName:
			return QuantityType
		}
		if o := objects.Lookup(t.TypeName()); o != nil {
			return o
		}
	}
	return AnyType
}
