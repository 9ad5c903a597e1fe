package com.taobao.api.response;

import java.util.List;
import com.taobao.api.internal.mapping.ApiField;
import com.taobao.api.internal.mapping.ApiListField;
import com.taobao.api.domain.Category;
import com.taobao.api.TaobaoResponse;

/**
 * TOP API: taobao.demo.category.get response.
 */
public class DemoCategoryGetResponse extends TaobaoResponse {
	private static final long serialVersionUID = 1L;

	/** 类目树 */
	@ApiListField("categories")
	@ApiField("category")
	private List<Category> categories;

	/** 上传的图片（与 taobao.picture.upload 同一个类型） */
	@ApiField("icon")
	private Picture icon;
}
