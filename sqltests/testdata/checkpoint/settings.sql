-- The checkpoint settings take bare or quoted values. checkpoint_every is
-- an iteration count or a duration; 0 or off turns checkpoints off.
SET checkpoint_every = 5;
SET checkpoint_every = '7';
SET checkpoint_every = '2m';
SET checkpoint_every = 90s;
SET checkpoint_dir = 'ckpt dir';
SET checkpoint_keep = on;
SET resume = 'true';
.settings

-- Back to the defaults (0, auto, off, off): any .settings shows those.
SET checkpoint_every = off;
SET checkpoint_dir = auto;
SET checkpoint_keep = 'off';
SET resume = 0;

-- Bad values name the setting and what it takes.
SET checkpoint_every = -1;
SET checkpoint_every = 'soon';
SET checkpoint_every = '-5s';
SET checkpoint_keep = 2;
SET resume = maybe;
