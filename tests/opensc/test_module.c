/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_module.c: the driver module as OpenSC's loader sees it.
 *
 * OpenSC 0.23 dlopen()s the module, looks up sc_driver_version and
 * sc_module_init, refuses the module unless the version starts with its
 * own, then asks sc_module_init for the function returning the driver.
 * These tests check each of those facts against the built module and the
 * installed libopensc, and that nothing else is exported.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "opensc-abi.h"
#include "unit.h"

static const char *module_path(void)
{
	const char *p = getenv("SAFEID_OPENSC_MODULE");

	ck_assert_msg(p != NULL, "SAFEID_OPENSC_MODULE is not set");
	return p;
}

static void *load(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	ck_assert_msg(h != NULL, "dlopen %s: %s", path, dlerror());
	return h;
}

typedef const char *(*version_fn)(void);

static version_fn get_version_fn(void *h)
{
	union {
		void *p;
		version_fn fn;
	} u;

	u.p = dlsym(h, "sc_driver_version");
	ck_assert_ptr_nonnull(u.p);
	return u.fn;
}

START_TEST(version_is_opensc_0_23_0)
{
	void *h = load(module_path());

	ck_assert_str_eq(get_version_fn(h)(), "0.23.0");
	dlclose(h);
}
END_TEST

/* OpenSC's own check: strncmp(version, PACKAGE_VERSION, strlen(...)). */
static int loader_accepts(const char *module_version, const char *opensc)
{
	return strncmp(module_version, opensc, strlen(opensc)) == 0;
}

START_TEST(version_matches_the_installed_library)
{
	void *h = load(module_path());
	const char *v = get_version_fn(h)();

	ck_assert_msg(loader_accepts(v, sc_get_version()),
	              "module says %s, libopensc is %s", v, sc_get_version());
	ck_assert(!loader_accepts(v, "0.24.0"));
	ck_assert(!loader_accepts(v, "0.22.0"));
	dlclose(h);
}
END_TEST

START_TEST(module_init_gives_the_driver)
{
	void *h = load(module_path());
	union {
		void *p;
		void *(*init)(const char *);
		struct sc_card_driver *(*get)(void);
	} u;
	struct sc_card_driver *drv;

	u.p = dlsym(h, "sc_module_init");
	ck_assert_ptr_nonnull(u.p);
	u.p = u.init("safeid");
	ck_assert_ptr_nonnull(u.p);
	drv = u.get();
	ck_assert_ptr_nonnull(drv);
	ck_assert_str_eq(drv->short_name, "safeid");
	ck_assert_ptr_nonnull(drv->ops);
	ck_assert_ptr_nonnull(drv->ops->match_card);
	ck_assert_ptr_nonnull(drv->ops->init);
	ck_assert_ptr_nonnull(drv->ops->finish);
	ck_assert_ptr_nonnull(drv->ops->card_ctl);
	/* The ISO operations are inherited, not left empty. */
	ck_assert_ptr_eq((void *)drv->ops->iso_ops_a[0],
	                 (void *)sc_get_iso7816_driver()->ops->iso_ops_a[0]);
	ck_assert_ptr_null(drv->atr_map);
	dlclose(h);
}
END_TEST

START_TEST(only_two_symbols_exported)
{
	void *h = load(module_path());

	ck_assert_ptr_null(dlsym(h, "safeid_get_info"));
	ck_assert_ptr_null(dlsym(h, "safeid_burn"));
	ck_assert_ptr_null(dlsym(h, "osd_card_ctl"));
	ck_assert_ptr_null(dlsym(h, "osd_match_card"));
	dlclose(h);
}
END_TEST

/* The test-only module built with another version string. */
START_TEST(wrong_version_module_is_refused_by_the_rule)
{
	const char *p = getenv("SAFEID_OPENSC_WRONGVER_MODULE");
	void *h;

	ck_assert_msg(p != NULL, "SAFEID_OPENSC_WRONGVER_MODULE is not set");
	h = load(p);
	ck_assert(!loader_accepts(get_version_fn(h)(), sc_get_version()));
	dlclose(h);
}
END_TEST

Suite *suite_module(void)
{
	Suite *s = suite_create("module");
	TCase *tc = tcase_create("module");

	tcase_add_test(tc, version_is_opensc_0_23_0);
	tcase_add_test(tc, version_matches_the_installed_library);
	tcase_add_test(tc, module_init_gives_the_driver);
	tcase_add_test(tc, only_two_symbols_exported);
	tcase_add_test(tc, wrong_version_module_is_refused_by_the_rule);
	suite_add_tcase(s, tc);
	return s;
}
