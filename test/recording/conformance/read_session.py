"""An independent reader of Nanoscope sessions, written from electron/recording/FORMAT.md alone (standard
library only), for the conformance test: it must agree with Nanoscope's own reader, record for record.

Usage: python3 read_session.py SESSION_DIR...
Prints one line per directory, each one JSON object: {"records": [...], "torn": {"offset": N, "bytes": N} or null}, or {"error": {"offset": N,
"problem": "..."}} for a session it refuses. Bodies are given as length and SHA-256; header text as the wire
bytes in hex (each character encoded as one byte, Latin-1)."""
import hashlib
import json
import os
import re
import sys
import zlib

MAX_FRAME_LINE = 96
FRAME = re.compile(rb'^NSR1 ([0-9]{1,16}) ([0-9]{1,16}) ([0-9]{1,16}) ([0-9a-f]{8})$')
FRAME_PREFIX = re.compile(rb'^NSR1 [0-9a-f ]*$')


class Damage(Exception):
    def __init__(self, offset, problem):
        super().__init__(problem)
        self.offset = offset
        self.problem = problem


def wire(text):
    return text.encode('latin-1').hex()


def headers_of(pairs):
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in pairs):
        raise ValueError('headers are not [name, value] string pairs')
    return [[wire(n), wire(v)] for n, v in pairs]


def body(data):
    return {'length': len(data), 'sha256': hashlib.sha256(data).hexdigest()}


def lengths(value, nullable):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError('not an object')
    out = {}
    for key in ('request', 'response'):
        if key in value:
            v = value[key]
            if v is None and nullable:
                out[key] = None
            elif isinstance(v, int) and not isinstance(v, bool) and v >= 0:
                out[key] = v
            else:
                raise ValueError('%s is not a byte count' % key)
    return out


def number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError('not a number')
    return value


def record_of(head, req, res):
    if not isinstance(head, dict) or head.get('v') != 1:
        raise ValueError('header is not version 1')
    q, s = head['request'], head['response']
    out = {
        'startedAt': number(head['startedAt']),
        'durationMs': number(head['durationMs']),
        'waitMs': number(head['waitMs']) if 'waitMs' in head else None,
        'request': {'method': wire(q['method']), 'url': wire(q['url']), 'version': q['version'], 'headers': headers_of(q['headers']), 'trailers': headers_of(q['trailers']) if 'trailers' in q else None, 'body': body(req)},
        'response': {'status': number(s['status']), 'reason': wire(s['reason']), 'version': s['version'], 'headers': headers_of(s['headers']), 'trailers': headers_of(s['trailers']) if 'trailers' in s else None, 'body': body(res)},
        'truncated': lengths(head.get('truncated'), False),
        'incomplete': lengths(head.get('incomplete'), True),
        'generated': None,
        'tags': head.get('tags'),
        'note': head.get('note'),
    }
    if out['tags'] is not None and not (isinstance(out['tags'], list) and all(isinstance(t, str) for t in out['tags'])):
        raise ValueError('tags are not strings')
    if out['note'] is not None and not isinstance(out['note'], str):
        raise ValueError('note is not a string')
    g = head.get('generated')
    if g is not None:
        if not isinstance(g, dict) or not isinstance(g.get('cause'), str) or not isinstance(g.get('message'), str):
            raise ValueError('generated is malformed')
        out['generated'] = {'cause': g['cause'], 'message': g['message']}
    if not isinstance(q['version'], str) or not isinstance(s['version'], str):
        raise ValueError('version is not a string')
    return out


def read_log(data):
    records = []
    offset = 0
    while offset < len(data):
        rest = data[offset:]
        newline = rest.find(b'\n', 0, MAX_FRAME_LINE)
        if newline < 0:
            if len(rest) < MAX_FRAME_LINE and (FRAME_PREFIX.match(rest) or b'NSR1 '.startswith(rest)):
                return records, {'offset': offset, 'bytes': len(rest)}
            raise Damage(offset, 'not a frame line')
        match = FRAME.match(rest[:newline])
        if not match:
            raise Damage(offset, 'not a frame line')
        j, q, s = (int(match.group(i)) for i in (1, 2, 3))
        crc = int(match.group(4), 16)
        start = newline + 1
        total = start + j + 1 + q + s + 1
        if total > len(rest):
            return records, {'offset': offset, 'bytes': len(rest)}
        json_bytes = rest[start:start + j]
        req = rest[start + j + 1:start + j + 1 + q]
        res = rest[start + j + 1 + q:start + j + 1 + q + s]
        intact = rest[start + j] == 0x0a and rest[total - 1] == 0x0a and zlib.crc32(json_bytes + req + res) == crc
        if not intact:
            if total == len(rest):
                return records, {'offset': offset, 'bytes': len(rest)}
            raise Damage(offset, 'record fails its checks')
        try:
            records.append(record_of(json.loads(json_bytes.decode('utf-8')), req, res))
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeError) as error:
            raise Damage(offset, 'bad record header: %s' % error)
        offset += total
    return records, None


def read_session(path):
    with open(os.path.join(path, 'session.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    if manifest.get('format') != 'nanoscope-session' or manifest.get('version') != 1:
        raise Damage(0, 'not a version 1 Nanoscope session')
    log = os.path.join(path, 'exchanges.log')
    if not os.path.exists(log):
        return [], None
    with open(log, 'rb') as f:
        return read_log(f.read())


def main():
    for path in sys.argv[1:]:
        try:
            records, torn = read_session(path)
            out = {'records': records, 'torn': torn}
        except Damage as damage:
            out = {'error': {'offset': damage.offset, 'problem': damage.problem}}
        sys.stdout.write(json.dumps(out) + '\n')


if __name__ == '__main__':
    main()
