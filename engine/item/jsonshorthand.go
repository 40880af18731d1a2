package item

// AppendJSONShorthand is AppendJSON without loss: sets and binary use the
// shorthand ItemFromJSON reads back ({"$SS": […]}, {"$NS": […]},
// {"$BS": […]}, {"$B": "…"}), so an export in plain JSON imports as the
// same item. Numbers in NS are written as strings, as DynamoDB JSON does.
func AppendJSONShorthand(dst []byte, v Value) []byte {
	switch v := v.(type) {
	case B:
		dst = append(dst, `{"$B":`...)
		return append(appendJSONBase64(dst, v), '}')
	case SS:
		return append(AppendJSON(append(dst, `{"$SS":`...), v), '}')
	case NS:
		dst = append(dst, `{"$NS":[`...)
		for i, n := range sortedNS(v) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, n.String())
		}
		return append(dst, "]}"...)
	case BS:
		return append(AppendJSON(append(dst, `{"$BS":`...), v), '}')
	case L:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSONShorthand(dst, e)
		}
		return append(dst, ']')
	case M:
		return appendJSONObject(dst, v, AppendJSONShorthand)
	}
	return AppendJSON(dst, v)
}

// ItemToJSONShorthand writes an item with AppendJSONShorthand.
func ItemToJSONShorthand(it Item) []byte { return appendJSONObject(nil, it, AppendJSONShorthand) }
