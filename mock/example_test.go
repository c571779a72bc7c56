package mock_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/cogload/cogload/mock"
)

// The mock as a library: an httptest server, and the real SDK pointed at it.
func Example() {
	cfg, err := mock.Builtin("email-ses")
	if err != nil {
		panic(err)
	}
	srv, err := mock.New(cfg, mock.WithSeed(1), mock.WithNoLimits())
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	info := srv.Info(ts.URL)
	client := cip.New(cip.Options{
		Region:       info.Region,
		BaseEndpoint: aws.String(info.Endpoint),
		Retryer:      aws.NopRetryer{}, // one attempt per call, as in load tests
	})
	ctx := context.Background()
	user := info.Users[0]
	auth, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       "USER_PASSWORD_AUTH",
		ClientId:       aws.String(info.ClientID),
		AuthParameters: map[string]string{"USERNAME": user.Username, "PASSWORD": user.Password},
	})
	if err != nil {
		panic(err)
	}
	out, err := client.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{
		AccessToken:   auth.AuthenticationResult.AccessToken,
		AttributeName: aws.String("email"),
	})
	if err != nil {
		panic(err)
	}
	d := out.CodeDeliveryDetails
	fmt.Println(aws.ToString(d.AttributeName), d.DeliveryMedium, aws.ToString(d.Destination))
	// Output: email EMAIL u***@e***
}
