package com.taobao.api.domain;

import java.util.List;
import com.taobao.api.internal.mapping.ApiField;
import com.taobao.api.internal.mapping.ApiListField;
import com.taobao.api.TaobaoObject;

/**
 * 类目：子类目是同一类型（一个自己包含自己的类型）
 */
public class Category extends TaobaoObject {

	private static final long serialVersionUID = 1L;

	/** 类目ID */
	@ApiField("cid")
	private Long cid;

	/** 类目名 */
	@ApiField("name")
	private String name;

	/** 子类目 */
	@ApiListField("children")
	@ApiField("category")
	private List<Category> children;

	/** 这个类型不在这个 SDK 里 */
	@ApiField("extra")
	private MissingType extra;
}
