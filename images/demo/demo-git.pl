#!/usr/bin/perl
# demo-git.pl <repo> <branch> <base-sha> <file> <message> <bundle> [<text>]: the demo builder's commit,
# without git (the demo images are Debian's slim image plus files: no package can be installed
# offline, and perl-base has neither zlib nor SHA-1, so sha1sum hashes and zlib "stored" blocks
# carry the objects).
#
# Writes <file> (top level of the work tree; <text> and a line break, or a default line), commits the whole work tree on refs/heads/<branch>
# with <base-sha> as the parent (loose objects, a loose ref), and writes a git v2 bundle of
# refs/heads/<branch> with <base-sha> as its prerequisite: what `git bundle create <bundle>
# refs/heads/<branch> ^<base-sha>` gives. The pack holds every blob and tree of the work tree, so
# the bundle is complete even where the demo's hashes of unchanged files differ from git's
# (filters, modes). Meant for the small repositories of the demo only.
use strict;
use warnings;
use File::Temp qw(tempfile);

my ($repo, $branch, $base, $file, $message, $bundle, $text) = @ARGV;
die "usage: demo-git.pl <repo> <branch> <base-sha> <file> <message> <bundle> [<text>]\n" unless defined $bundle;
$text = "This file was added by Hydra's scripted demo builder." unless defined $text;
my $git = "$repo/.git";
die "not a git work tree: $repo\n" unless -d "$git/objects";
open(my $head_fh, '<', "$git/HEAD") or die "no HEAD\n";
my $head = <$head_fh>;
close $head_fh;
die "HEAD is not refs/heads/$branch\n" unless $head eq "ref: refs/heads/$branch\n";
die "the file name must be a plain top-level name\n" unless $file =~ /\A[A-Za-z0-9][A-Za-z0-9._-]*\z/;

sub sha1_hex {
  my ($data) = @_;
  my ($fh, $tmp) = tempfile(UNLINK => 1);
  binmode $fh;
  print $fh $data;
  close $fh;
  my $out = `sha1sum "$tmp"`;
  unlink $tmp;
  $out =~ /\A([0-9a-f]{40})/ or die "sha1sum failed\n";
  return $1;
}

sub adler32 {
  my ($data) = @_;
  my ($a, $b) = (1, 0);
  for my $c (unpack 'C*', $data) {
    $a = ($a + $c) % 65521;
    $b = ($b + $a) % 65521;
  }
  return ($b << 16) | $a;
}

# A zlib stream of "stored" (uncompressed) deflate blocks.
sub zlib_stored {
  my ($data) = @_;
  my $out = "\x78\x01";
  my $pos = 0;
  my $len = length $data;
  do {
    my $n = $len - $pos > 65535 ? 65535 : $len - $pos;
    my $final = $pos + $n >= $len ? 1 : 0;
    $out .= pack('C v v', $final, $n, ~$n & 0xffff) . substr($data, $pos, $n);
    $pos += $n;
  } while ($pos < $len);
  return $out . pack('N', adler32($data));
}

my %objects;    # sha => [type, body]
my @order;

sub store {
  my ($type, $body) = @_;
  my $sha = sha1_hex("$type " . length($body) . "\0" . $body);
  unless (exists $objects{$sha}) {
    $objects{$sha} = [$type, $body];
    push @order, $sha;
  }
  return $sha;
}

sub read_file {
  my ($path) = @_;
  open(my $fh, '<:raw', $path) or die "cannot read $path\n";
  local $/;
  my $data = <$fh>;
  close $fh;
  return defined $data ? $data : '';
}

# The tree of a directory as git writes it: entries sorted by name (a directory sorts as "name/").
sub tree_of {
  my ($dir) = @_;
  opendir(my $dh, $dir) or die "cannot list $dir\n";
  my @names = grep { $_ ne '.' && $_ ne '..' && $_ ne '.git' } readdir $dh;
  closedir $dh;
  my @entries;
  for my $name (@names) {
    my $path = "$dir/$name";
    if (-l $path) {
      push @entries, [$name, '120000', store('blob', readlink $path)];
    } elsif (-d $path) {
      my $sha = tree_of($path);
      push @entries, ["$name/", '40000', $sha] if defined $sha;
    } elsif (-f $path) {
      push @entries, [$name, ((stat $path)[2] & 0111 ? '100755' : '100644'), store('blob', read_file($path))];
    }
  }
  return undef if !@entries && $dir ne $repo;
  my $body = '';
  for my $e (sort { $a->[0] cmp $b->[0] } @entries) {
    (my $name = $e->[0]) =~ s{/\z}{};
    $body .= "$e->[1] $name\0" . pack('H40', $e->[2]);
  }
  return store('tree', $body);
}

open(my $out_fh, '>:raw', "$repo/$file") or die "cannot write $repo/$file\n";
print $out_fh "$text\n";
close $out_fh;

my $tree = tree_of($repo);
my $when = time;
my $who = 'hydra-builder <hydra-builder@users.noreply.invalid>';
my $commit = store('commit', "tree $tree\nparent $base\nauthor $who $when +0000\ncommitter $who $when +0000\n\n$message\n");

for my $sha (@order) {
  my ($type, $body) = @{$objects{$sha}};
  my $dir = "$git/objects/" . substr($sha, 0, 2);
  my $path = "$dir/" . substr($sha, 2);
  next if -e $path;
  mkdir $dir unless -d $dir;
  open(my $fh, '>:raw', $path) or die "cannot write $path\n";
  print $fh zlib_stored("$type " . length($body) . "\0" . $body);
  close $fh;
}
my $ref = "$git/refs/heads/$branch";
(my $ref_dir = $ref) =~ s{/[^/]+\z}{};
my $made = '';
for my $part (split m{/}, substr($ref_dir, length($git) + 1)) {
  $made .= "/$part";
  mkdir "$git$made" unless -d "$git$made";
}
open(my $ref_fh, '>', $ref) or die "cannot write $ref\n";
print $ref_fh "$commit\n";
close $ref_fh;

my %type_id = (commit => 1, tree => 2, blob => 3);
my $pack = 'PACK' . pack('N N', 2, scalar @order);
for my $sha (@order) {
  my ($type, $body) = @{$objects{$sha}};
  my $size = length $body;
  my $byte = ($type_id{$type} << 4) | ($size & 0x0f);
  $size >>= 4;
  my $header = '';
  while ($size) {
    $header .= pack('C', $byte | 0x80);
    $byte = $size & 0x7f;
    $size >>= 7;
  }
  $pack .= $header . pack('C', $byte) . zlib_stored($body);
}
$pack .= pack('H40', sha1_hex($pack));
open(my $bundle_fh, '>:raw', $bundle) or die "cannot write $bundle\n";
print $bundle_fh "# v2 git bundle\n-$base\n$commit refs/heads/$branch\n\n", $pack;
close $bundle_fh;
chmod 0644, $bundle;
print "$commit\n";
