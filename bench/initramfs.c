// SPDX-License-Identifier: BSD-2-Clause
/*
 * The guest's initramfs, built at run time as a newc cpio: busybox-static, the guest kernel's own
 * virtio/9p/overlay/ext4 modules (decompressed, in modules.dep's load order), the init script
 * below and its job file. Init mounts the host's root read-only over 9p under a tmpfs overlay, so
 * the guest runs the host's own bpfault, libraries and tools under the guest kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "common.h"
#include "guest.h"

/*
 * PID 1 of the guest (busybox sh). /job sets REL, MODDIR and KEEP (host directories the guest's
 * own /var/tmp and /run would hide); /cmd is the shell script run in the guest's root, which
 * writes the run's exit status to the output share as .guest-rc: any failure before it leaves
 * the file missing.
 */
static const char init_script[] =
	"#!/bin/busybox sh\n"
	"/bin/busybox --install -s /bin\n"
	"export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
	"mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev\n"
	". /job\n"
	"say() { echo \"bpfault-guest: $*\"; }\n"
	"die() { say \"$*\"; poweroff -f; sleep 10; }\n"
	"for m in /m/*.ko; do [ -e \"$m\" ] && { insmod \"$m\" || say \"insmod $m failed\"; }; "
	"done\n"
	"mkdir -p /h /r\n"
	"mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /h "
	"|| die 'cannot mount the host root (9p)'\n"
	"mount -t tmpfs -o mode=0755 tmpfs /r && mkdir /r/u /r/w /r/n\n"
	"N=/r/n\n"
	"mount -t overlay overlay -o lowerdir=/h,upperdir=/r/u,workdir=/r/w $N "
	"|| die 'cannot mount the overlay root'\n"
	"mount -t proc proc $N/proc; mount -t sysfs sys $N/sys; mount -t devtmpfs dev $N/dev\n"
	"mkdir -p $N/dev/pts $N/dev/shm; mount -t devpts devpts $N/dev/pts\n"
	"mount -t tmpfs tmpfs $N/dev/shm; mount -t tmpfs -o mode=0755 tmpfs $N/run\n"
	"mount -t cgroup2 cgroup2 $N/sys/fs/cgroup\n"
	"mount -t tracefs tracefs $N/sys/kernel/tracing\n"
	"mount -t bpf bpf $N/sys/fs/bpf\n"
	"mkdir -p $N/bpfault-out\n"
	"mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out $N/bpfault-out "
	"|| die 'cannot mount the output share (9p)'\n"
	"mkdir -p $N/lib/modules/$REL && mount --bind $N$MODDIR $N/lib/modules/$REL\n"
	"mount -t ext4 /dev/vda $N/var/tmp || die 'cannot mount the work disk /dev/vda'\n"
	"chmod 1777 $N/var/tmp\n"
	"for p in $KEEP; do\n"
	"  case $p in /var/tmp/*|/run/*) mkdir -p $N$p && mount --bind /h$p $N$p;; esac\n"
	"done\n"
	"chroot $N /sbin/modprobe zram || say 'modprobe zram failed'\n"
	"cp /cmd $N/run/bpfault-guest.sh\n"
	"say \"kernel $(uname -r): $(sed -n 2p /cmd)\"\n"
	"chroot $N /bin/sh /run/bpfault-guest.sh 2>&1 | cat\n"
	"sync; umount $N/bpfault-out\n"
	"say 'done'\n"
	"poweroff -f\n";

/* modules the init script needs, wherever the kernel has them as modules */
static const char *const wanted_mods[] = {
	"virtio_pci", "virtio_blk",	"9pnet_virtio", "9p", "overlay",
	"ext4",	      "crc32c_generic", "crc32c-intel", NULL,
};

struct cpio {
	FILE *f;
	unsigned ino;
	int err;
};

static void cpio_pad(struct cpio *c)
{
	while (ftell(c->f) % 4)
		fputc(0, c->f);
}

static void cpio_entry(struct cpio *c, const char *name, unsigned mode, const void *data,
		       size_t size, unsigned rmaj, unsigned rmin)
{
	fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ++c->ino,
		mode, 0, 0, S_ISDIR(mode) ? 2 : 1, 0, size, 0, 0, rmaj, rmin, strlen(name) + 1, 0);
	fwrite(name, 1, strlen(name) + 1, c->f);
	cpio_pad(c);
	if (size)
		fwrite(data, 1, size, c->f);
	cpio_pad(c);
	if (ferror(c->f))
		c->err = -EIO;
}

/* the file at path (decompressed by its suffix: .xz, .zst, .gz) as name */
static void cpio_file(struct cpio *c, const char *name, const char *path, unsigned mode)
{
	static const char *const xz[] = {"/usr/bin/xz", NULL},
				 *const zst[] = {"/usr/bin/zstd", NULL},
				 *const gz[] = {"/usr/bin/gzip", NULL};
	const char *const *tool = NULL, *t;
	char *data = NULL, tmp[] = "/tmp/bpfault-ko.XXXXXX";
	size_t len = 0;
	int fd, err;

	if (strstr(path, ".xz") == path + strlen(path) - 3)
		tool = xz;
	else if (strstr(path, ".zst") == path + strlen(path) - 4)
		tool = zst;
	else if (strstr(path, ".gz") == path + strlen(path) - 3)
		tool = gz;
	if (!tool) {
		err = read_file(path, &data, &len);
	} else if (!(t = find_tool(tool)) || (fd = mkstemp(tmp)) < 0) {
		err = -ENOENT;
	} else {
		char *argv[] = {(char *)t, "-dc", "--", (char *)path, NULL};

		err = spawn_wait(argv, NULL, fd, -1) ? -EIO : read_file(tmp, &data, &len);
		close(fd);
		unlink(tmp);
	}
	if (err) {
		c->err = err;
		err_msg("guest: cannot read %s: %s", path, strerror(-err));
	} else {
		cpio_entry(c, name, S_IFREG | mode, data, len, 0, 0);
	}
	free(data);
}

/* the modules.dep line of module name (a '-' and '_' blind match of its base name), or NULL */
static char *dep_line(char *dep, const char *name)
{
	size_t n = strlen(name);

	for (char *l = dep; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *colon = strchr(l, ':'), *base = l;

		if (!colon)
			break;
		for (char *p = l; p < colon; p++)
			if (*p == '/')
				base = p + 1;
		if (colon - base < (long)n + 3 || strncmp(base + n, ".ko", 3))
			continue;
		size_t i = 0;

		for (; i < n; i++)
			if (base[i] != name[i] && !(strchr("-_", base[i]) && strchr("-_", name[i])))
				break;
		if (i == n)
			return l;
	}
	return NULL;
}

struct modlist {
	char path[64][256];
	int n;
};

static void mod_add(struct modlist *ml, const char *rel, size_t len)
{
	for (int i = 0; i < ml->n; i++)
		if (strlen(ml->path[i]) == len && !strncmp(ml->path[i], rel, len))
			return;
	if (ml->n < 64 && len < sizeof(ml->path[0]))
		snprintf(ml->path[ml->n++], sizeof(ml->path[0]), "%.*s", (int)len, rel);
}

/* a module and its dependencies, deepest first (modules.dep lists them the other way round) */
static void mod_closure(struct modlist *ml, char *line)
{
	char *colon = strchr(line, ':'), *end = strchr(line, '\n');
	char *deps[32];
	int nd = 0;

	if (!end)
		end = line + strlen(line);
	for (char *p = colon + 1; p < end && nd < 32;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		deps[nd++] = p;
		p += strcspn(p, " \n");
	}
	while (nd-- > 0)
		mod_add(ml, deps[nd], strcspn(deps[nd], " \n"));
	mod_add(ml, line, (size_t)(colon - line));
}

static int add_modules(struct cpio *c, const struct kernel_img *k)
{
	char path[PATH_MAX + 32], name[64], *dep = NULL;
	struct modlist *ml = calloc(1, sizeof(*ml));
	size_t len;
	int err;

	if (!ml)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/modules.dep", k->moddir);
	err = read_file(path, &dep, &len);
	if (err == -ENOENT) /* everything built in (a developer's kernel), or not depmod'ed */
		err = 0;
	for (int i = 0; dep && wanted_mods[i]; i++) {
		char *l = dep_line(dep, wanted_mods[i]);

		if (l)
			mod_closure(ml, l);
	}
	for (int i = 0; i < ml->n && !err; i++) {
		const char *b =
			strrchr(ml->path[i], '/') ? strrchr(ml->path[i], '/') + 1 : ml->path[i];

		snprintf(name, sizeof(name), "m/%02d-%.*s.ko", i, (int)strcspn(b, "."), b);
		snprintf(path, sizeof(path), "%s/%s", k->moddir, ml->path[i]);
		cpio_file(c, name, path, 0644);
		err = c->err;
	}
	free(dep);
	free(ml);
	return err;
}

int initramfs_build(const char *path, const struct kernel_img *k, const char *job, const char *cmd,
		    char *why, size_t len)
{
	static const char *const busybox[] = {"/bin/busybox", "/usr/bin/busybox", NULL};
	static const char *const dirs[] = {"bin", "dev", "proc", "sys", "m", "tmp", NULL};
	const char *bb = find_tool(busybox);
	struct cpio c = {0};
	int err;

	if (!bb) {
		snprintf(why, len, "no busybox (apt-get install busybox-static)");
		return -ENOENT;
	}
	c.f = fopen(path, "wxe");
	if (!c.f) {
		snprintf(why, len, "cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	for (int i = 0; dirs[i]; i++)
		cpio_entry(&c, dirs[i], S_IFDIR | 0755, NULL, 0, 0, 0);
	cpio_entry(&c, "dev/console", S_IFCHR | 0600, NULL, 0, 5, 1);
	cpio_file(&c, "bin/busybox", bb, 0755);
	cpio_entry(&c, "init", S_IFREG | 0755, init_script, strlen(init_script), 0, 0);
	cpio_entry(&c, "job", S_IFREG | 0644, job, strlen(job), 0, 0);
	cpio_entry(&c, "cmd", S_IFREG | 0644, cmd, strlen(cmd), 0, 0);
	err = c.err ? c.err : add_modules(&c, k);
	cpio_entry(&c, "TRAILER!!!", 0, NULL, 0, 0, 0);
	if (fclose(c.f) && !err)
		err = -errno;
	if (err)
		snprintf(why, len, "cannot build the initramfs %s: %s", path, strerror(-err));
	return err;
}
