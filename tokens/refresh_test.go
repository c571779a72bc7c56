package tokens

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/cogload/cogload/scenarios"
)

func TestStartRefresher(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		users := fakeUsers(6)
		f := newFake(users)
		f.expiresIn = 100
		logs := &logSink{}
		env := Env{Endpoint: "http://cognito.test", ClientID: f.clientID, Users: users,
			HTTPClient: &http.Client{Transport: handlerTransport{f}}, Logf: logs.Logf}
		plan := &scenarios.Plan{TokenPools: []scenarios.TokenPool{
			mintPool("valid", scenarios.KindValid, 2),
			mintPool("id", scenarios.KindIDToken, 1),
			mintPool("tampered", scenarios.KindTampered, 1),
			mintPool("revoked", scenarios.KindRevoked, 1),
		}}
		set, err := Fill(context.Background(), plan, env)
		if err != nil {
			t.Fatal(err)
		}
		snap := func() [][]string {
			var out [][]string
			for i := range set.Len() {
				out = append(out, slices.Clone(set.Pool(i).load()))
			}
			return out
		}
		before := snap()
		stop := set.StartRefresher(context.Background())
		defer stop()

		time.Sleep(79 * time.Second)
		synctest.Wait()
		if f.refreshCount() != 0 {
			t.Fatalf("%d refreshes before 80%% of the lifetime", f.refreshCount())
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if f.refreshCount() != 4 {
			t.Fatalf("%d refreshes at 81s, want 4 (valid 2, id 1, tampered 1; never revoked)", f.refreshCount())
		}
		after := snap()
		for i := range 3 {
			for k := range after[i] {
				if after[i][k] == before[i][k] {
					t.Errorf("pool %d token %d not refreshed", i, k)
				}
			}
		}
		if payload(after[1][0])["token_use"] != "id" {
			t.Error("id pool refreshed to a non-ID token")
		}
		if _, ok := f.ownerOf(after[2][0]); ok {
			t.Error("tampered pool refreshed to an untampered token")
		}
		if !slices.Equal(after[3], before[3]) {
			t.Error("revoked pool changed")
		}
		// The next round comes 80 s after the refresh.
		time.Sleep(80 * time.Second)
		synctest.Wait()
		if f.refreshCount() != 8 {
			t.Errorf("%d refreshes after the second round, want 8", f.refreshCount())
		}
		stop()
		assertNoSecrets(t, logs.text(), set)
	})
}

func TestRefreshNothing(t *testing.T) {
	set := NewSet(poolOf(scenarios.CheckoutSequential, 2, 1))
	if n, err := set.Refresh(context.Background()); n != 0 || err != nil {
		t.Fatalf("Refresh = %d, %v", n, err)
	}
	set.StartRefresher(context.Background())() // returns at once
}
