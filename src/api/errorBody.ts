import { STATUS_CODES } from 'node:http';
import type { ServiceError } from '../core/errors.js';

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
  }
}
