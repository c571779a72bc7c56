package tokens

// Resolve is the file a token or users path of the plan names when the
// token pools are filled with e: the same resolution Fill uses, so a
// check of those files before the run reads the files the run will.
func (e Env) Resolve(path string) string { return e.path(path) }
