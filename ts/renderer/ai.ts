/**
 * The AI SDK instrumentations that @sentry/electron 7's renderer exports. Sentry JS v11 moved them out of the
 * browser SDK into `@sentry/server-utils`, whose package root also loads Node-only code (diagnostics channels,
 * module hooks). The instrumentations themselves are plain wrappers over @sentry/core's span API, so
 * scripts/build-bundles.mjs builds this module's outputs from their own files only, which run in any page; the
 * types come from the package root, where they are declared.
 *
 * `instrumentLangGraph` is v10's name for `instrumentStateGraph`.
 */
export {
  createLangChainCallbackHandler,
  instrumentAnthropicAiClient,
  instrumentCreateReactAgent,
  instrumentGoogleGenAIClient,
  instrumentLangChainEmbeddings,
  instrumentOpenAiClient,
  instrumentStateGraph,
  instrumentStateGraph as instrumentLangGraph,
} from '@sentry/server-utils';
