/**
 * The scope setters that every process's entry re-exports (`/main` on the server SDK, `/renderer` on the browser
 * SDK): both SDKs take them from @sentry/core unchanged, so one list serves both and they cannot drift apart.
 */
export { setContext, setExtra, setExtras, setTag, setTags, setUser } from '@sentry/core';
