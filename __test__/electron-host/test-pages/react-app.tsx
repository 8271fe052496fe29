/**
 * A renderer page of a typical @sentry/electron 7 app with React, as it reads after the move: the renderer SDK
 * initialised through @sentry/react 11's `init`, tracing on, and an error boundary around a component that
 * throws while rendering, and a span of its own. Bundled by __test__/renderer-react.spec.ts with esbuild.
 */
import * as Sentry from '../../../ts/renderer';
import { ErrorBoundary, init as reactInit } from '@sentry/react';
import { createRoot } from 'react-dom/client';

Sentry.init({ integrations: [Sentry.browserTracingIntegration()], tracesSampleRate: 1 }, reactInit);
Sentry.setTag('ui', 'react');

function Cart({ items }: { items: string[] }): React.JSX.Element {
  if (items.length === 0) throw new Error('the react cart is empty');
  return (
    <ul>
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}

// A span of the app's own, as v7 apps write them; v11 streams it, and main sends it on.
Sentry.startSpan({ name: 'load cart', op: 'ui.load' }, () => Sentry.addBreadcrumb({ category: 'cart', message: 'loading' }));

createRoot(document.getElementById('root')!).render(
  <ErrorBoundary fallback={<p id="fallback">Something went wrong</p>}>
    <Cart items={[]} />
  </ErrorBoundary>,
);
