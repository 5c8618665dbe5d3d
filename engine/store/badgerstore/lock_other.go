//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package badgerstore

// On other systems Badger's own directory lock is the only one; its error
// is wrapped by Open.
type dirLock struct{}

func lockDir(string) (*dirLock, error) { return &dirLock{}, nil }

func (*dirLock) release() {}
