package prom

import (
	"fmt"
	"reflect"
	"strconv"
)

func equal(a, b any) bool { return reflect.DeepEqual(a, b) }
func show(v any) string   { return fmt.Sprintf("%+v", v) }
func itoa(i int) string   { return strconv.Itoa(i) }
