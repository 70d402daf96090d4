export { JsonBytes, fragment } from './json-bytes.ts';
