// The page's words in English and Chinese. The English of the page itself is its HTML (each
// element with data-t); the Chinese is here. The words this demo's scripts say (statuses,
// errors) are here in both. The elements and the client word their own texts.

const PAGE_ZH = {
  skip: "跳到演示",
  tag: "演示",
  language: "语言",
  heading: "更换或解绑手机号",
  lede: "已登录的用户通过 genauth-phone 组件更换或解绑 GenAuth 账号上的手机号。默认连接本地 GenAuth 模拟器，不会发出真实短信。",
  account: "账号",
  loading: "正在加载软件包……如果这句话一直不消失，请运行 scripts/demo.sh（它会把软件包构建到 pkg/）后刷新页面。",
  connectTo: "连接到",
  modeEmulator: "本地模拟器",
  modeReal: "你的 GenAuth 应用",
  emulatorIntro: "模拟器会创建一个带随机手机号的演示用户并登录。它的地址是",
  demoEmail: "演示用户有邮箱",
  demoEmailHint: "没有邮箱时，手机号是唯一的登录方式，解绑会被拒绝。",
  signIn: "以演示用户登录",
  realIntro: "使用你自己的用户池：填写应用域名、应用 ID 和已登录用户的 Access Token。不要填写应用密钥，它绝不能出现在浏览器里。你的应用须允许本页的来源（CORS），演示须以 GENAUTH_APP_HOST=https://your-app.genauth.ai 启动（页面的内容安全策略只允许那里列出的域名）。",
  appHost: "应用域名",
  appId: "应用 ID",
  accessToken: "已登录用户的 Access Token",
  realVerifyOld: "我的用户池在更换前验证原手机号",
  connect: "连接",
  connectedTo: "已连接到",
  phone: "手机号",
  email: "邮箱",
  userId: "用户 ID",
  signOut: "退出登录",
  locked: "请先在上方登录。",
  changeAgain: "再次更换",
  emulator: "模拟器",
  setting: "设置",
  verifyOld: "同时验证原手机号",
  verifyOldHint: "用户池在更换前要求输入发送到当前手机号的验证码。",
  inbox: "收件箱",
  inboxHint: "模拟器本应以短信发给你的验证码，最新的在前。它们不会离开本机。",
  footer: "genauth-phone · 本页用普通的模块脚本加载 /pkg/genauth_phone.js 和 /pkg/elements.js，没有打包工具。",
};

const SAID = {
  "en-US": {
    title: "Change your phone number · genauth-phone demo",
    none: "none",
    emulatorHost: "Local emulator",
    realHost: "Your GenAuth app",
    signedIn: "Signed in as a demo user with {phone}.",
    connected: "Connected to {host}.",
    signedOut: "Signed out.",
    verifyOn: "The emulator now verifies the old number: changing it needs a code to each number.",
    verifyOff: "The emulator no longer verifies the old number: one code to the new number is enough.",
    settingFailed: "The emulator did not take the setting. Try again.",
    inboxEmpty: "No messages yet.",
    inboxSignedOut: "Sign in to see the codes sent to you.",
    inboxDown: "The emulator is not answering. Is it still running?",
    code: "Code",
    forNew: "for a new number",
    forCurrent: "to confirm the current number",
    appHostMissing: "Enter your app's host, e.g. https://your-app.genauth.ai.",
    appIdMissing: "Enter the app id from the GenAuth console.",
    tokenMissing: "Enter the access token of a signed-in user.",
    notAllowed: "This demo's Content-Security-Policy only allows {allowed}. Restart it with GENAUTH_APP_HOST={origin} scripts/demo.sh to call {origin}.",
    withScheme: "Did you mean {origin}? Type the host with http://.",
    signInFailed: "Could not sign in",
    emulatorDown: "The emulator could not be reached. Is it still running?",
    emulatorRefused: "The emulator refused to create the user.",
    startFailed: "The demo could not start",
    startHint: "Build the package (scripts/build.sh) and reload; scripts/demo.sh does both.",
    dismiss: "Dismiss",
    detail: "Detail",
  },
  "zh-CN": {
    title: "更换手机号 · genauth-phone 演示",
    none: "无",
    emulatorHost: "本地模拟器",
    realHost: "你的 GenAuth 应用",
    signedIn: "已以演示用户登录，手机号 {phone}。",
    connected: "已连接到 {host}。",
    signedOut: "已退出登录。",
    verifyOn: "模拟器现在验证原手机号：更换需要新旧两个号码各自的验证码。",
    verifyOff: "模拟器不再验证原手机号：只需新手机号的验证码。",
    settingFailed: "模拟器没有接受这项设置，请重试。",
    inboxEmpty: "还没有短信。",
    inboxSignedOut: "登录后可在这里看到发给你的验证码。",
    inboxDown: "模拟器没有响应，它还在运行吗？",
    code: "验证码",
    forNew: "用于绑定新手机号",
    forCurrent: "用于验证当前手机号",
    appHostMissing: "请输入应用域名，例如 https://your-app.genauth.ai。",
    appIdMissing: "请输入 GenAuth 控制台中的应用 ID。",
    tokenMissing: "请输入已登录用户的 Access Token。",
    notAllowed: "本演示的内容安全策略只允许 {allowed}。要调用 {origin}，请用 GENAUTH_APP_HOST={origin} scripts/demo.sh 重新启动。",
    withScheme: "你是指 {origin} 吗？请连同 http:// 一起输入。",
    signInFailed: "无法登录",
    emulatorDown: "无法连接模拟器，它还在运行吗？",
    emulatorRefused: "模拟器拒绝创建用户。",
    startFailed: "演示无法启动",
    startHint: "请构建软件包（scripts/build.sh）后刷新页面；scripts/demo.sh 会同时完成这两步。",
    dismiss: "关闭",
    detail: "详情",
  },
};

const LANGS = ["en-US", "zh-CN"];
const STORED = "genauth-demo-lang";
/** The page's English, read from its HTML once. */
const pageEn = {};
for (const node of document.querySelectorAll("[data-t]")) pageEn[node.dataset.t] = node.textContent.trim().replace(/\s+/g, " ");

let current = "en-US";

/** The language chosen before (this browser), else the browser's own: zh* is Chinese. */
export function initialLang() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORED);
  } catch {
    // storage blocked: the browser's language
  }
  if (LANGS.includes(stored)) return stored;
  return /^zh\b/i.test(navigator.language || "") ? "zh-CN" : "en-US";
}

export const lang = () => current;

/** Puts the page in `next`: its lang, its title, and every data-t text; remembers the choice. */
export function setLang(next) {
  current = LANGS.includes(next) ? next : "en-US";
  document.documentElement.lang = current;
  document.title = say("title");
  for (const node of document.querySelectorAll("[data-t]")) {
    node.textContent = current === "zh-CN" ? PAGE_ZH[node.dataset.t] : pageEn[node.dataset.t];
  }
  try {
    localStorage.setItem(STORED, current);
  } catch {
    // not remembered: nothing else depends on it
  }
}

/** One of this demo's sentences in the page's language, `{name}` filled from `values`. */
export function say(key, values = {}) {
  return SAID[current][key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}
