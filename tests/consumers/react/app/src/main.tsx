// The test app around the README's component: StrictMode (in development React mounts, cleans
// up and mounts again, and runs initialisers twice), and a button that unmounts and mounts
// <ChangePhone /> again, as leaving and coming back to the page would.
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { ChangePhone } from "./ChangePhone";
import { ChangePhoneElement } from "./ChangePhoneElement";

function App() {
  const [open, setOpen] = useState(true);
  return (
    <main>
      {open && (new URLSearchParams(location.search).has("element") ? <ChangePhoneElement /> : <ChangePhone />)}
      <button id="toggle" onClick={() => setOpen(!open)}>{open ? "Close" : "Change your number"}</button>
    </main>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
