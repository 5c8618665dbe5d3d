package funcs

import "github.com/transload/transload/builtin"

// Checks returns the transload.checks library: failing a document with a
// business reason from inside an expression, where a validate step would
// come too late (a mapping that cannot produce a correct field).
func Checks() *builtin.Library {
	return library("transload.checks",
		"Failing with a reason code from inside an expression: a mapping that cannot compute a field exactly stops the document with a dead letter that says why, instead of guessing.",
		requireFunc(),
	)
}

func requireFunc() *builtin.Function {
	return &builtin.Function{
		Name: "require",
		Doc: "Returns value when condition holds, and otherwise fails with reason (a code: upper case letters, digits and _) " +
			"and message, so that the dead letter names the business problem: " +
			"require(q, q >= 0, 'INVALID_QUANTITY', 'a negative quantity'). A reason that is not a code fails with INVALID_ARGUMENT.",
		Overloads: []builtin.Overload{{
			Params: params(tParam, tBool, tStr, tStr), Result: tParam,
			Cost: builtin.Cost{Fixed: 1, ResultSizeOfArgs: true, PerSize: 0.1},
			Impl: func(a []any) (any, error) {
				ok, reason, msg := a[1].(bool), a[2].(string), a[3].(string)
				if !reasonCode.MatchString(reason) {
					return nil, invalidArg("require: reason %s is not a reason code (upper case letters, digits and _)", quote(reason))
				}
				if !ok {
					return nil, errf(reason, "%s", msg)
				}
				return a[0], nil
			},
		}},
		Examples: []builtin.Example{
			{Expr: "require(decimal('2'), decimal('2') > decimal('0'), 'INVALID_QUANTITY', 'not positive')", Want: "2"},
			{Expr: "require('x', 1 > 2, 'INVALID_QUANTITY', 'not positive')", Err: "INVALID_QUANTITY"},
			{Expr: "require('x', false, 'bad reason', 'm')", Err: builtin.ReasonInvalidArgument},
		},
	}
}
