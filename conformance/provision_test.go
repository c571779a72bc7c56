package conformance

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/mock"
)

// refuse answers op with InvalidParameterException and passes the rest on.
func refuse(op string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got, _ := cognito.OperationFromTarget(r.Header.Get(cognito.HeaderTarget)); got == op {
			cognito.WriteError(w, cognito.NewRequestID(), cognito.NewError(cognito.ErrInvalidParameter, "refused by the test"), cognito.StatusObserved)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func dummyCreds() aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", Source: "test"}, nil
	})
}

func TestProvisionCreatesAndRemovesEverything(t *testing.T) {
	srv, err := mock.New(nil, mock.WithSleep(noSleep), mock.WithSeed(3), mock.WithClock(fixedClock()))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	ctx := context.Background()
	var logged []string
	p, err := Provision(ctx, ProvisionOptions{Endpoint: ts.URL, Region: "us-east-1", Credentials: dummyCreds(),
		Logf: func(f string, a ...any) { logged = append(logged, f) }})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range p.Created {
		kinds[r.Kind]++
	}
	if kinds["user-pool"] != 1 || kinds["app-client"] != 1 || kinds["user"] != len(provisionUsers) {
		t.Fatalf("created %v, want 1 pool, 1 client, %d users", p.Created, len(provisionUsers))
	}
	// The provisioned pool works: users sign in and get codes.
	rep, err := Run(ctx, p.Target, Options{Run: mustRE(t, `^(attributes\.(email|phone-number|missing-email|missing-phone)|auth\.garbage|auth\.revoked-admin-sign-out)$`), AdminCredentials: dummyCreds()})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Verdict != Pass {
			t.Errorf("%s on the provisioned pool: %s %s %s", r.ID, r.Verdict, r.Actual, r.Reason)
		}
	}
	created := append([]Resource(nil), p.Created...)
	if err := p.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	if len(p.Created) != 0 {
		t.Errorf("cleanup left %v", p.Created)
	}
	admin := idpclient.New(idpclient.Config{Endpoint: ts.URL, Credentials: dummyCreds()})
	for _, r := range created {
		var err error
		switch r.Kind {
		case "user-pool":
			_, err = admin.CreateUserPoolClient(ctx, r.ID, "probe")
		case "app-client":
			_, err = admin.Login(ctx, r.ID, domain.Credential{Username: "x", Password: "y"})
		case "user":
			continue // gone with the pool; checked through the pool above
		}
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Errorf("%s %s still answers after cleanup: %v", r.Kind, r.ID, err)
		}
	}
	// A second cleanup is harmless.
	if err := p.Cleanup(ctx); err != nil {
		t.Errorf("second cleanup: %v", err)
	}
}

func TestProvisionCleansUpAfterFailure(t *testing.T) {
	srv, err := mock.New(nil, mock.WithSleep(noSleep))
	if err != nil {
		t.Fatal(err)
	}
	// The mock refuses AdminCreateUser, so provisioning fails after it made
	// the pool and the client; both must be gone afterwards.
	ts := httptest.NewServer(refuse("AdminCreateUser", srv))
	defer ts.Close()
	var removed []string
	_, err = Provision(context.Background(), ProvisionOptions{Endpoint: ts.URL, Region: "us-east-1", Credentials: dummyCreds(),
		Logf: func(f string, a ...any) {
			if len(a) > 0 && f[:7] == "removed" {
				removed = append(removed, a[0].(string))
			}
		}})
	if err == nil {
		t.Fatal("provisioning succeeded although AdminCreateUser was refused")
	}
	if len(removed) != 2 || removed[0] != "app-client" || removed[1] != "user-pool" {
		t.Errorf("removed %v, want the app client then the pool", removed)
	}
}
