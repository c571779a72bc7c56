package tokens

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/input"
)

// LoadUsers reads a users file: YAML (.yaml/.yml, a list of
// {username, password} or a map with a "users" list; at most
// input.MaxUsersYAMLBytes) or CSV (anything else, "username,password" per
// line, an optional header line, # comments; at most input.MaxUsersBytes).
// Errors are *input.Error naming the file, line and column, never a
// password. Cancelling ctx stops the read.
func LoadUsers(ctx context.Context, path string) ([]domain.Credential, error) {
	data, err := input.ReadFile(ctx, usersKind(path), path)
	if err != nil {
		return nil, err
	}
	return ParseUsers(path, data)
}

func usersKind(name string) input.Kind {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return input.UsersYAML
	}
	return input.UsersCSV
}

// ParseUsers parses users file data; name picks the format (by extension)
// and labels errors.
func ParseUsers(name string, data []byte) ([]domain.Credential, error) {
	var (
		users []domain.Credential
		err   error
	)
	if usersKind(name) == input.UsersYAML {
		users, err = parseUsersYAML(name, data)
	} else {
		users, err = parseUsersCSV(name, data)
	}
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, &input.Error{File: name, Msg: "no users", Hint: "list one username,password per line (CSV) or a YAML list of {username, password}"}
	}
	return users, nil
}

func parseUsersCSV(name string, data []byte) ([]domain.Credential, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var users []domain.Credential
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return users, nil
		}
		if err != nil {
			// csv.ParseError quotes no field content, only positions.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &input.Error{File: name, Line: pe.Line, Col: pe.Column, Msg: pe.Err.Error()}
			}
			return nil, &input.Error{File: name, Msg: "cannot read the users file", Err: err}
		}
		line, col := r.FieldPos(0) // only valid after a successful Read
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 2 {
			return nil, &input.Error{File: name, Line: line, Col: col, Msg: fmt.Sprintf("want 2 fields (username,password), got %d", len(rec)), Hint: "quote a password holding a comma"}
		}
		u, p := strings.TrimSpace(rec[0]), rec[1]
		if len(users) == 0 && strings.EqualFold(u, "username") && strings.EqualFold(strings.TrimSpace(p), "password") {
			continue // header
		}
		if u == "" || p == "" {
			return nil, &input.Error{File: name, Line: line, Col: col, Msg: "empty username or password"}
		}
		users = append(users, domain.Credential{Username: u, Password: p})
	}
}

type yamlUser struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

const usersShape = "write a list of {username, password}, or users: [...]"

func parseUsersYAML(name string, data []byte) ([]domain.Credential, error) {
	doc, err := input.ParseYAML(input.UsersYAML, name, data)
	if err != nil {
		return nil, err
	}
	var list []yamlUser
	at := "$"
	switch {
	case doc.IsList():
		err = doc.Decode(&list)
	case doc.IsMapping():
		var wrapped struct {
			Users []yamlUser `yaml:"users"`
		}
		err = doc.Decode(&wrapped)
		list, at = wrapped.Users, "$.users"
	case !doc.Empty():
		err = doc.At("$", "invalid users file", usersShape)
	}
	if err != nil {
		return nil, err
	}
	users := make([]domain.Credential, 0, len(list))
	for i, u := range list {
		switch {
		case strings.TrimSpace(u.Username) == "":
			return nil, doc.At(fmt.Sprintf("%s[%d].username", at, i), "empty username", "every user needs a username and a password")
		case u.Password == "":
			return nil, doc.At(fmt.Sprintf("%s[%d].password", at, i), "empty password", "every user needs a username and a password")
		}
		users = append(users, domain.Credential{Username: strings.TrimSpace(u.Username), Password: u.Password})
	}
	return users, nil
}
