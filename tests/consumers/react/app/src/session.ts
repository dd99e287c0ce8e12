// Where the app keeps its GenAuth app and the signed-in user's token. In this test they come
// from the page's URL (the runner signs a user in on the emulator); in your app, from your
// configuration and your sign-in.
const q = new URLSearchParams(location.search);

export const appId = q.get("appId") ?? "YOUR_APP_ID";
export const appHost = q.get("appHost") ?? "https://your-app.genauth.ai";
export const accessToken = q.get("accessToken") ?? "THE_SIGNED_IN_USERS_ACCESS_TOKEN";
