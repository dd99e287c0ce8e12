// Types only (elements-react.d.ts): React 19 JSX declarations of the drop-in elements.
export {};
