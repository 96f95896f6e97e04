import { STATUS_CODES } from 'node:http';
import type { DependencyError, ServiceError } from '../core/errors.js';

/** Spring-style error body every client of Clouddriver already parses. */
export interface ErrorBody {
  timestamp: number;
  status: number;
  error: string;
  message: string;
  errors?: readonly string[];
}

export function errorBody(status: number, message: string, errors?: readonly string[]): ErrorBody {
  return { timestamp: Date.now(), status, error: STATUS_CODES[status] ?? 'Error', message, ...(errors ? { errors } : {}) };
}

/** The one place that maps core errors to HTTP statuses. */
export function statusOf(error: ServiceError): number {
  switch (error.code) {
    case 'INPUT':
    case 'VALIDATION':
      return 400;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'NOT_ALLOWED':
      return 403;
    case 'UNAVAILABLE':
      return 503;
    case 'DEPENDENCY':
      return dependencyStatus(error as DependencyError);
  }
}

function dependencyStatus(error: DependencyError): number {
  const s = error.status;
  if (s === 0) return 504;
  if (s === 429) return 503;
  if (s === 404 || s === 409) return s;
  if (s === 400 || s === 422) return 400;
  return 502;
}
