//go:build nativecheck

package builtin

func init() { checkNative = true }
