package com.taobao.api.domain;

import java.util.Date;
import com.taobao.api.internal.mapping.ApiField;
import com.taobao.api.TaobaoObject;

/**
 * 图片
 *
 * @author top auto create
 * @since 1.0, null
 */
public class Picture extends TaobaoObject {

	private static final long serialVersionUID = 4474716234345812369L;

	/**
	 * 图片创建时间
	 */
	@ApiField("created")
	private Date created;

	/**
	 * 图片ID
	 */
	@ApiField("picture_id")
	private Long pictureId;

	/**
	 * 返回的是绝对路径如：http://img07.taobaocdn.com/imgextra/i7/22670458/T2dD0kXb4cXXXXXXXX_!!22670458.jpg
	 */
	@ApiField("picture_path")
	private String picturePath;

	/**
	 * 图片大小,bite单位
	 */
	@ApiField("sizes")
	private Long sizes;

	public Date getCreated() { return this.created; }
	public void setCreated(Date created) { this.created = created; }
}
