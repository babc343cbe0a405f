//go:build !unix

package ollamatest

import (
	"context"
	"errors"
	"syscall"
)

var errUnsupported = errors.New("ollamatest supports only Unix systems")

func lockFile(context.Context, string) (func(), error) { return nil, errUnsupported }

func signalGroup(int, syscall.Signal) error { return errUnsupported }

func sysProcAttr() *syscall.SysProcAttr { return nil }

const (
	sigTerm = syscall.Signal(15)
	sigKill = syscall.Signal(9)
)

func checkPlatform() error { return errUnsupported }

func processAlive(int) bool { return true }
