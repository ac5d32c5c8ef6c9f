#!/usr/bin/env python3
"""Validate the question sets: YAML parses, ids unique across all files, one expectation per case,
dialogs well formed, and every `evidence` found verbatim (whitespace removed) in the corpus text it
comes from (statute sets -> shared/corpus/statutes/*.md, seed sets -> shared/seeds/*).
Usage: python3 eval/validate_sets.py [FILE.yaml ...]   (default: the sets written from the texts alone)"""
import glob, os, re, sys, yaml
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
def ws(s): return re.sub(r'\s+', '', s)
STAT = {p: ws(open(p, encoding='utf-8').read()) for p in glob.glob(f'{ROOT}/shared/corpus/statutes/*.md')}
SEED = {p: ws(open(p, encoding='utf-8').read()) for p in glob.glob(f'{ROOT}/shared/seeds/*')}
EXPECT = ('evidence', 'no_answer', 'answer_contains_any')
HERE = os.path.dirname(os.path.abspath(__file__))
files = sys.argv[1:] or [os.path.join(HERE, n) for n in ('statutes.yaml', 'seed.yaml', 'dialogs.yaml', 'calc-chat.yaml')]
ids, errors = {}, []
for f in files:
    data = yaml.safe_load(open(f, encoding='utf-8'))
    assert isinstance(data, list), f
    corpus = SEED if 'seed' in f.rsplit('/', 1)[-1] else STAT
    n = {'cases': len(data), 'evidence': 0, 'no_answer': 0, 'answer_contains_any': 0, 'turns': 0}
    for it in data:
        i = it.get('id')
        if not i: errors.append(f'{f}: case without id'); continue
        if i in ids: errors.append(f'{f}: duplicate id {i} (also in {ids[i]})')
        ids[i] = f
        if 'turns' in it:
            if 'today' not in it: errors.append(f'{i}: dialog without today')
            turns = it['turns']
            if not 2 <= len(turns) <= 4: errors.append(f'{i}: {len(turns)} turns')
            for t in turns:
                n['turns'] += 1
                if not t.get('q'): errors.append(f'{i}: turn without q')
                if not any(k in t for k in ('answer_contains_any', 'follow_up', 'declined')):
                    errors.append(f'{i}: turn without expectation')
            continue
        if not it.get('question'): errors.append(f'{i}: no question')
        keys = [k for k in EXPECT if k in it]
        if len(keys) != 1: errors.append(f'{i}: expectations {keys}'); continue
        n[keys[0]] += 1
        if keys[0] == 'evidence':
            e = ws(str(it['evidence']))
            if not 6 <= len(e) <= 40: errors.append(f'{i}: evidence length {len(e)}')
            if not any(e in t for t in corpus.values()): errors.append(f'{i}: evidence not found in corpus: {it["evidence"]}')
        if keys[0] == 'answer_contains_any':
            if not it['answer_contains_any'] or not all(isinstance(a, str) and a for a in it['answer_contains_any']):
                errors.append(f'{i}: bad answer_contains_any')
            if 'today' not in it: errors.append(f'{i}: calc question without today')
    print(f'{f}: ' + ', '.join(f'{k}={v}' for k, v in n.items() if v))
print(f'{len(ids)} ids in {len(files)} files; ' + ('OK' if not errors else f'{len(errors)} problems'))
for e in errors: print('  ' + e)
sys.exit(1 if errors else 0)
