package tokens

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cogload/cogload/domain"
	"github.com/goccy/go-yaml"
)

// LoadUsers reads a users file: YAML (.yaml/.yml, a list of
// {username, password} or a map with a "users" list) or CSV (anything else,
// "username,password" per line, an optional header line, # comments).
// Errors name the file and line, never a password.
func LoadUsers(path string) ([]domain.Credential, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("users file: %w", err)
	}
	return ParseUsers(path, data)
}

// ParseUsers parses users file data; name picks the format (by extension)
// and prefixes errors.
func ParseUsers(name string, data []byte) ([]domain.Credential, error) {
	var (
		users []domain.Credential
		err   error
	)
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		users, err = parseUsersYAML(name, data)
	default:
		users, err = parseUsersCSV(name, data)
	}
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, fmt.Errorf("%s: no users: list one username,password per line", name)
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
				return nil, fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0) // only valid after a successful Read
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 2 {
			return nil, fmt.Errorf("%s:%d: want 2 fields (username,password), got %d", name, line, len(rec))
		}
		u, p := strings.TrimSpace(rec[0]), rec[1]
		if len(users) == 0 && strings.EqualFold(u, "username") && strings.EqualFold(strings.TrimSpace(p), "password") {
			continue // header
		}
		if u == "" || p == "" {
			return nil, fmt.Errorf("%s:%d: empty username or password", name, line)
		}
		users = append(users, domain.Credential{Username: u, Password: p})
	}
}

type yamlUser struct {
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// unmarshalYAML shields callers from go-yaml panics (v1.19.2 panics on
// input such as "! 0000000" decoded into a slice, found by fuzzing).
func unmarshalYAML(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("malformed YAML")
		}
	}()
	return yaml.UnmarshalWithOptions(data, v, yaml.Strict())
}

func parseUsersYAML(name string, data []byte) ([]domain.Credential, error) {
	var list []yamlUser
	err := unmarshalYAML(data, &list)
	if err != nil {
		var doc struct {
			Users []yamlUser `yaml:"users"`
		}
		if err2 := unmarshalYAML(data, &doc); err2 == nil {
			list, err = doc.Users, nil
		}
	}
	if err != nil {
		// go-yaml's messages can quote source text (a password), so only
		// its position is kept.
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			p := ye.GetToken().Position
			return nil, fmt.Errorf("%s:%d:%d: invalid users file: want a list of {username, password} (or users: [...])", name, p.Line, p.Column)
		}
		return nil, fmt.Errorf("%s: invalid users file: want a list of {username, password} (or users: [...])", name)
	}
	users := make([]domain.Credential, 0, len(list))
	for i, u := range list {
		if strings.TrimSpace(u.Username) == "" || u.Password == "" {
			return nil, fmt.Errorf("%s: user #%d: empty username or password", name, i+1)
		}
		users = append(users, domain.Credential{Username: strings.TrimSpace(u.Username), Password: u.Password})
	}
	return users, nil
}
