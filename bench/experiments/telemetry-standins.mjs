// Stand-ins for Powertools Logger and Metrics and for middy, for bench/experiments/telemetry.ts
// only: the same JSON log lines and EMF metrics the handlers write, in as few lines as possible,
// to size what the libraries add to a cold start. Not used by the functions.
const write = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

export class Logger {
  constructor(options = {}) {
    this.service = options.serviceName;
    this.context = {};
  }
  addContext(context) {
    this.context = {
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
  }
  #log(level, message, extra) {
    const time = new Date().toISOString();
    write({ level, message, service: this.service, timestamp: time, ...this.context, ...extra });
  }
  info(message, extra = {}) {
    this.#log('INFO', message, extra);
  }
  warn(message, extra = {}) {
    this.#log('WARN', message, extra);
  }
  error(message, extra = {}) {
    this.#log('ERROR', message, extra);
  }
}

export const injectLambdaContext = (logger) => ({
  before: (request) => logger.addContext(request.context),
});

export const MetricUnit = { Count: 'Count' };

export class Metrics {
  constructor(options = {}) {
    this.namespace = options.namespace;
    this.service = options.serviceName;
    this.values = new Map();
  }
  addMetric(name, _unit, value) {
    this.values.set(name, (this.values.get(name) ?? 0) + value);
  }
  publishStoredMetrics() {
    if (this.values.size === 0) return;
    const names = [...this.values.keys()];
    write({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.namespace,
            Dimensions: [['service']],
            Metrics: names.map((Name) => ({ Name, Unit: 'Count' })),
          },
        ],
      },
      service: this.service,
      ...Object.fromEntries(this.values),
    });
    this.values.clear();
  }
}

export const logMetrics = (metrics) => ({
  after: () => metrics.publishStoredMetrics(),
  onError: () => metrics.publishStoredMetrics(),
});

export default function middy() {
  const middlewares = [];
  const chain = {
    use(middleware) {
      middlewares.push(middleware);
      return chain;
    },
    handler(fn) {
      return async (event, context) => {
        const request = { event, context };
        for (const m of middlewares) await m.before?.(request);
        try {
          request.response = await fn(event, context);
        } catch (error) {
          for (const m of middlewares) await m.onError?.(request);
          throw error;
        }
        for (const m of [...middlewares].reverse()) await m.after?.(request);
        return request.response;
      };
    },
  };
  return chain;
}
